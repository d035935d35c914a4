import type { MixedList } from 'typeorm';
import { Init1795337359420 } from './1795337359420-Init.js';

/** The mysql migrations, in the order they run. Append only; never edit one that has landed. */
export const MYSQL_MIGRATIONS: MixedList<Function> = [
  Init1795337359420,
];
