import { type GroupActionView, RUN_GROUP_ACTION } from '#shared';

/** A group's stored actions. */
export function parseActions(json: string): GroupActionView[] {
  return JSON.parse(json) as GroupActionView[];
}

/** The groups a list of actions includes. */
export function childrenOf(actions: GroupActionView[]): string[] {
  return actions.filter((a) => a.type === RUN_GROUP_ACTION).map((a) => String(a.config.groupId));
}

/** Lower case, words only, single spaces: phrases match on whole words. */
export function normalPhrase(s: string): string {
  return s.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}']+/gu, ' ').trim();
}
