// Where a changed file sits, read from its path alone: in a model itself, in the shared domain or around the models
// (tests, docs, tools); which deployable units of each model run it, so that a change to it ships only with them; and
// which team's own code it is.
export const MODELS = ['traditional', 'event-sourced'] as const;
export type ModelName = (typeof MODELS)[number];

export type Area =
  { readonly kind: 'itself' | 'around'; readonly model: ModelName } | { readonly kind: 'domain' | 'around-both' };

export const EVERY_UNIT = 'every unit';
export const WORKFLOW_WORKER = 'workflow worker (User Support)';
export const EVERY_WORKER = 'every worker';
export const PUBLISHER = 'publisher (User Support)';
export const EVERY_SUBSCRIBER = 'every subscriber';
export const RETURN_STATUS = 'return status projection (User Support)';
export const ANALYTICS = 'analytics reader';
export const STARTER = 'starter';
// User Support's own code: the workflow in one model, the publisher in the other.
export const USER_SUPPORT = 'user-support';

// The first rule whose pattern matches places a path: a team's own file before the shared files beside it.
interface UnitRule {
  readonly pattern: RegExp;
  // "{team}" stands for the team the path names, the pattern's first group.
  readonly units: readonly string[];
  readonly team?: string;
}

const TEAM = '([a-z][a-z0-9-]*)';

// What each process of the traditional model runs: worker.ts hosts every worker, User Support's workflow worker
// among them, over teams.ts (the table of teams) and team-store.ts (their records, kept by sqlite-team-store.ts or
// postgres-team-store.ts); each team's worker serves its own activities, and whatever else is in teams/ they share.
// client.ts and start.ts start returns. In no unit of the process: deployment.ts (the whole model in one process), model.ts (the port) and record-tail.ts,
// audit-trail.ts and scope-runs.ts, which the drivers, `npm run audit` and `npm run reset` read.
const TRADITIONAL_UNITS: readonly UnitRule[] = [
  { pattern: /^traditional\/workflows\.ts$/, units: [WORKFLOW_WORKER], team: USER_SUPPORT },
  { pattern: new RegExp(`^traditional/teams/${TEAM}\\.activities\\.ts$`), units: ['{team} worker'], team: '{team}' },
  {
    pattern: /^traditional\/(?:worker|(?:sqlite-|postgres-)?team-store|teams|teams\/[^/]+)\.ts$/,
    units: [EVERY_WORKER],
  },
  { pattern: /^traditional\/(?:client|start)\.ts$/, units: [STARTER] },
  { pattern: /^traditional\/(?:deployment|model|record-tail|audit-trail|scope-runs)\.ts$/, units: [] },
];

// What each process of the event-sourced model runs: the publisher is User Support's (batched-append.ts is its
// produce path); each team's subscriber runs its decider in the one team runner, over the table of teams and what
// the deciders share (the Decider type, the bookkeeping of the teams the verdict gates, the state structures
// grow-only.ts and bucket-map.ts). The event log, the envelope and the topic names are in every process, the
// publisher's and the readers' too; team-events.ts is how the subscribers and the projections read the team topics.
// In no unit of the process: deployment.ts (the whole model in one process), model.ts (the port) and broker-watch.ts
// (the deployment's).
const EVENT_SOURCED_UNITS: readonly UnitRule[] = [
  { pattern: /^event-sourced\/(?:publisher|batched-append)\.ts$/, units: [PUBLISHER], team: USER_SUPPORT },
  {
    pattern: new RegExp(`^event-sourced/deciders/${TEAM}\\.decider\\.ts$`),
    units: ['{team} subscriber'],
    team: '{team}',
  },
  {
    pattern:
      /^event-sourced\/(?:team-runner|run-team|teams|repartition|held-partitions|snapshots|grow-only|bucket-map|deciders\/[^/]+)\.ts$/,
    units: [EVERY_SUBSCRIBER],
  },
  { pattern: /^event-sourced\/(?:event-log|envelope|topics)\.ts$/, units: [EVERY_UNIT] },
  { pattern: /^event-sourced\/team-events\.ts$/, units: [EVERY_SUBSCRIBER, RETURN_STATUS, ANALYTICS] },
  { pattern: /^event-sourced\/projections\/return-status\.projection\.ts$/, units: [RETURN_STATUS] },
  { pattern: /^event-sourced\/(?:analytics|projections\/usage-stats\.projection)\.ts$/, units: [ANALYTICS] },
  { pattern: /^event-sourced\/start\.ts$/, units: [STARTER] },
  { pattern: /^event-sourced\/(?:deployment|model|broker-watch)\.ts$/, units: [] },
];

// A team's module in the domain is that team's rules: its worker and its subscriber run them. The list of teams
// (index.ts), the shape of a module (team-module.ts) and the rest of the domain are in every unit of both models.
const DOMAIN_TEAM_MODULE = new RegExp(`^domain/teams/(?!(?:index|team-module)\\.ts$)${TEAM}\\.ts$`);

export interface PathRole {
  readonly area: Area;
  // False for a file of a model that no rule above names: its units are unknown, and the table needs a rule for it.
  readonly placed: boolean;
  readonly units: Readonly<Record<ModelName, readonly string[]>>;
  readonly teams: Readonly<Record<ModelName, readonly string[]>>;
}

// workflowReadsTeams: the teams whose domain module the workflow imports values from. Temporal bundles those into the
// workflow worker's sandbox, so a change to such a team's rules ships with User Support's workflow too.
export function roleOf(path: string, workflowReadsTeams: ReadonlySet<string>): PathRole {
  const none = { traditional: [], 'event-sourced': [] };
  const domainTeam = DOMAIN_TEAM_MODULE.exec(path)?.[1];
  if (domainTeam !== undefined) {
    const workflow = workflowReadsTeams.has(domainTeam) ? [WORKFLOW_WORKER] : [];
    return {
      area: { kind: 'domain' },
      placed: true,
      units: { traditional: [`${domainTeam} worker`, ...workflow], 'event-sourced': [`${domainTeam} subscriber`] },
      teams: { traditional: [domainTeam], 'event-sourced': [domainTeam] },
    };
  }
  if (path.startsWith('domain/')) {
    return {
      area: { kind: 'domain' },
      placed: true,
      units: { traditional: [EVERY_UNIT], 'event-sourced': [EVERY_UNIT] },
      teams: none,
    };
  }
  for (const [model, rules] of [
    ['traditional', TRADITIONAL_UNITS],
    ['event-sourced', EVENT_SOURCED_UNITS],
  ] as const) {
    if (!path.startsWith(`${model}/`)) continue;
    const rule = rules.find(({ pattern }) => pattern.test(path));
    const team = rule ? (rule.pattern.exec(path)?.[1] ?? '') : '';
    const fill = (text: string) => text.replace('{team}', team);
    return {
      area: { kind: 'itself', model },
      placed: rule !== undefined,
      units: { ...none, [model]: (rule?.units ?? []).map(fill) },
      teams: { ...none, [model]: rule?.team === undefined ? [] : [fill(rule.team)] },
    };
  }
  return { area: aroundArea(path), placed: true, units: none, teams: none };
}

// Around the models, a file belongs to one model when a folder or its name starts with the model's
// (test/traditional/, faults/edge/event-sourced-team.ts): those are that model's tests and harnesses. The rest (the
// README, the parity suite, bench, faults, compare, model/) serves both.
function aroundArea(path: string): Area {
  const segments = path.split('/');
  const model = MODELS.find((name) => segments.some((segment) => segment.startsWith(name)));
  return model === undefined ? { kind: 'around-both' } : { kind: 'around', model };
}

// Each unit once, in a reader's order (the units every change of that kind touches, User Support's, the teams', the
// readers and the starter); a unit that contains others stands for them: every worker includes User Support's
// workflow worker and each team's, every subscriber each team's.
export function listUnits(model: ModelName, units: Iterable<string>): string[] {
  const all = new Set(units);
  if (all.has(EVERY_UNIT)) return [EVERY_UNIT];
  const contained = (unit: string) =>
    model === 'traditional'
      ? all.has(EVERY_WORKER) && (unit === WORKFLOW_WORKER || (unit !== EVERY_WORKER && unit.endsWith(' worker')))
      : all.has(EVERY_SUBSCRIBER) && unit !== EVERY_SUBSCRIBER && unit.endsWith(' subscriber');
  return [...all].filter((unit) => !contained(unit)).sort((a, b) => rankOf(a) - rankOf(b) || a.localeCompare(b));
}

const LEADING_UNITS = [EVERY_WORKER, EVERY_SUBSCRIBER, WORKFLOW_WORKER, PUBLISHER];
const TRAILING_UNITS = [RETURN_STATUS, ANALYTICS, STARTER];

function rankOf(unit: string): number {
  if (LEADING_UNITS.includes(unit)) return LEADING_UNITS.indexOf(unit);
  if (TRAILING_UNITS.includes(unit)) return LEADING_UNITS.length + 1 + TRAILING_UNITS.indexOf(unit);
  // A team's unit, between User Support's and the readers.
  return LEADING_UNITS.length;
}
