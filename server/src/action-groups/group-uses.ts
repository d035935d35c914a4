import { Injectable } from '@nestjs/common';

/** Lists what in one room names an action group ("disposition SALE"); empty when nothing does. */
export type GroupUseSource = (groupId: string) => Promise<string[]>;

/**
 * Who else names an action group. The rooms that point at groups (dispositions, …)
 * register how to list their uses, so a group still in use is not deleted, without this
 * room reading their tables.
 */
@Injectable()
export class ActionGroupUses {
  private readonly sources: GroupUseSource[] = [];

  register(source: GroupUseSource): void {
    this.sources.push(source);
  }

  async of(groupId: string): Promise<string[]> {
    return (await Promise.all(this.sources.map((s) => s(groupId)))).flat();
  }
}
