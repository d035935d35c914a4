/**
 * The house rules for the server's imports, checked in CI (`npm run lint:deps`, part of
 * `npm test`). Rooms stand on floors; a room imports only from its own floor or below:
 *
 *   composition  app.module, server, main, app.factory, demo, entities (the entity list)
 *   read models  supervision, reports
 *   workflows    schedules (with automations), callbacks, dialer, dispositions, action-groups, integrations, messaging, floor, replies
 *   channels     telephony, email, realtime
 *   records      leads, compliance, agents
 *   identity     users, auth, settings
 *   platform     common, config, database, scheduler, web, health, phone
 *   shared       shared/src (the types the server and the softphone share)
 *
 * Imports that break a rule today are listed in .dependency-cruiser-known-violations.json
 * (regenerate with `npm run lint:deps:baseline` only when one is removed): a new one fails
 * the check, and the list only shrinks as rooms move.
 */
const FLOORS = [
  ['platform', ['common', 'config', 'database', 'scheduler', 'web', 'health', 'phone']],
  ['identity', ['users', 'auth', 'settings']],
  ['records', ['leads', 'compliance', 'agents']],
  ['channels', ['telephony', 'email', 'realtime']],
  ['workflows', ['schedules', 'callbacks', 'dialer', 'dispositions', 'action-groups', 'integrations', 'messaging', 'floor', 'replies']],
  ['read-models', ['supervision', 'reports']],
];
const COMPOSITION = '^server/src/(app\\.module|app\\.factory|server|main|record-ports\\.module)\\.ts$|^server/src/demo/|^server/src/entities\\.ts$';
/** Read models (supervision: queue figures, stats pushes; reports: rollups and report tables) may read any feature's tables; they never write them. */
const READ_MODELS = '^server/src/(supervision|reports)/';
const rooms = (names) => `^server/src/(${names.join('|')})/`;

/** Each floor may not import from any floor above it. */
const upward = FLOORS.slice(0, -1).map(([floor, names], i) => ({
  name: `no-up-from-${floor}`,
  comment: `${floor} (${names.join(', ')}) imports only from its floor or below`,
  severity: 'error',
  from: { path: rooms(names), pathNot: COMPOSITION },
  to: { path: rooms(FLOORS.slice(i + 1).flatMap(([, n]) => n)) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No cycles between files, value or type imports alike',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'no-up-from-shared',
      comment: 'shared/ is below every server room and the softphone; it imports only itself',
      severity: 'error',
      from: { path: '^shared/src/' },
      to: { pathNot: '^shared/src/|^node_modules/' },
    },
    {
      name: 'no-composition-from-rooms',
      comment: 'Nothing below the composition root imports it',
      severity: 'error',
      from: { path: '^server/src/', pathNot: COMPOSITION },
      to: { path: COMPOSITION },
    },
    {
      name: 'no-foreign-entities',
      comment: "A feature's tables are its own: another room asks its service or repository, never imports its entity (the composition root excepted, and the read models, which read any feature's tables and write none)",
      severity: 'error',
      from: { path: '^server/src/([^/]+)/', pathNot: `${COMPOSITION}|${READ_MODELS}` },
      to: { path: '^server/src/([^/]+)/.+\\.entity\\.ts$', pathNot: '^server/src/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
