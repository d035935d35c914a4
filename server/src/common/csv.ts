/** The CSV cells and lines every export writes; they live in `shared/` so the softphone writes the same CSV from a table it holds. */
export { csvCell, csvLine } from '#shared';
