// What the fault scenarios measure differently in each model, by design: how long an answer may take after a
// fault, how "nothing in flight" shows, and the evidence that a kill landed while its victim held work. Each
// scenario is written once for both models (kills.ts, crash-point.ts, outage.ts, server-restart.ts) and asks here.
import { missingTeams, perTeam, type ReplacementShipment, type Team, TEAMS, teamsAwaitingUndo } from '../../domain';
import type { EventSourcedModel } from '../../event-sourced/model';
import { recordsOfReturn, standingDecision } from '../../model/effects-check';
import type { ModelName, StoredEffects } from '../../model/port';
import { fetchAuditTrail } from '../../traditional/audit-trail';
import type { TraditionalModel } from '../../traditional/model';
import { scopeRunsQuery } from '../../traditional/scope-runs';
import { createTeamActivities } from '../../traditional/teams';
import type { Kill } from '../inject';
import { type FaultModel, type FaultModelOptions, openFaultModel } from '../open';
import { delay, type ScenarioContext } from '../scenario';

export const ANSWER_TIMEOUT_MS: Readonly<Record<ModelName, number>> = {
  // An activity on a worker that died is retried once its 10 s start-to-close timeout passes, plus the retry backoff.
  traditional: 180_000,
  // A team that died without leaving its group is replaced once the broker gives up on it: the 6 s session
  // timeout, plus the new process's start.
  'event-sourced': 120_000,
};

// The traditional model runs the parallel workflow unless a scenario asks for the sequential one.
export function openScenarioModel(
  context: ScenarioContext,
  name: ModelName,
  label: string,
  extra: Partial<FaultModelOptions> = {},
): () => Promise<FaultModel> {
  const variant = name === 'traditional' ? { variant: extra.variant ?? 'parallel' } : {};
  return () => openFaultModel(name, { base: context.base, label, log: context.debug, ...extra, ...variant });
}

// The variant a scenario's result names: the traditional model's workflow.
export function variantOf(model: FaultModel): { variant?: 'sequential' | 'parallel' } {
  return model.name === 'traditional' ? { variant: model.variant } : {};
}

export interface Settled {
  // How long it took until nothing was in flight, or null if that did not happen in time.
  readonly settledMs: number | null;
  readonly problems: readonly string[];
}

// Nothing in flight any more (Model.settle): no workflow run of the scope left running, none left waiting on a
// team or a lost task; or every team's committed offsets caught up with the request topic, no consumer stuck.
export async function settleModel(model: FaultModel, timeoutMs: number): Promise<Settled> {
  const started = performance.now();
  try {
    await model.settle({ timeoutMs });
    return { settledMs: performance.now() - started, problems: [] };
  } catch {
    if (model.name === 'event-sourced') {
      return {
        settledMs: null,
        problems: [`a consumer group never caught up: lag ${JSON.stringify(await lagsOf(model))}`],
      };
    }
    const open = await runningWorkflows(model).catch(() => -1);
    return { settledMs: null, problems: [`${open} workflow runs still running ${timeoutMs} ms after the drive ended`] };
  }
}

// Workflow runs of the scope that have not finished.
export async function runningWorkflows(model: TraditionalModel): Promise<number> {
  const query = `${scopeRunsQuery(model.config.scope)} AND ExecutionStatus = 'Running'`;
  return Number((await model.deployment.client.workflow.count(query)).count);
}

// Workflow runs of the scope, finished or not.
export async function workflowRuns(model: TraditionalModel): Promise<number> {
  return Number((await model.deployment.client.workflow.count(scopeRunsQuery(model.config.scope))).count);
}

// Requests on the request topic each team's group has not committed yet.
export async function lagsOf(model: EventSourcedModel): Promise<Record<Team, number>> {
  const lags = await Promise.all(TEAMS.map((team) => model.deployment.teamLag(team)));
  return Object.fromEntries(TEAMS.map((team, index) => [team, lags[index]])) as Record<Team, number>;
}

// Waits (up to a few seconds) for a moment when the victim holds work it has not answered for, so that the kill
// lands then; says how much it held.
export function killEvidence(model: FaultModel, team: Team, held: readonly string[]): Promise<Record<string, number>> {
  return model.name === 'traditional' ? activitiesInHand(model, team, held) : requestsInHand(model, team);
}

// The windows the process change opened, each as the teams' own records show it (the kill scenarios aim at them):
// - holding: units Inventory holds for returns whose verdict it has not acted on;
// - compensating: refused returns some team has yet to undo (a unit held, an order, a charge still standing);
// - notifying: returns whose every other team's record stands while Customer Care has not told the customer yet.
export type ChangeWindow = 'holding' | 'compensating' | 'notifying';

export function changeWindowOf(effects: StoredEffects, window: ChangeWindow): number {
  if (window === 'holding') {
    return [...effects.decisions.inventory.values()].filter(
      (decisions) => (standingDecision(decisions).record as ReplacementShipment).status === 'held',
    ).length;
  }
  let inWindow = 0;
  for (const returnId of effects.decisions.sales.keys()) {
    const records = recordsOfReturn(effects, returnId);
    const missing = missingTeams(records);
    if (window === 'compensating' ? teamsAwaitingUndo(records).length > 0 : sameTeams(missing, ['customer-care'])) {
      inWindow++;
    }
  }
  return inWindow;
}

const sameTeams = (teams: readonly Team[], others: readonly Team[]) =>
  teams.length === others.length && teams.every((team, index) => team === others[index]);

const WINDOW_EVIDENCE: Readonly<Record<ChangeWindow, string>> = {
  holding: 'unitsHeldAtKill',
  compensating: 'refusalsBeingUndoneAtKill',
  notifying: 'returnsAwaitingNotificationAtKill',
};

// Waits (up to a few seconds) for a moment when the model has work in the change's window, so that the kill lands
// then; says how much it had.
export async function changeWindowEvidence(model: FaultModel, window: ChangeWindow): Promise<Record<string, number>> {
  const deadline = performance.now() + 3_000;
  for (;;) {
    const inWindow = changeWindowOf(await model.effects(), window);
    if (inWindow > 0 || performance.now() > deadline) return { [WINDOW_EVIDENCE[window]]: inWindow };
    await delay(50);
  }
}

// The requests the victim's group has not committed: it holds them, mid-batch.
async function requestsInHand(model: EventSourcedModel, team: Team): Promise<Record<string, number>> {
  const deadline = performance.now() + 3_000;
  for (;;) {
    const lag = await model.deployment.teamLag(team);
    if (lag > 0 || performance.now() > deadline) return { uncommittedAtKill: lag };
    await delay(20);
  }
}

// Each team's activities by name, as they show in a workflow's pending activities: read from the team's own
// factory, which only names its functions until one is called.
const ACTIVITIES_OF_TEAM: Readonly<Record<Team, ReadonlySet<string>>> = perTeam(
  (team) => new Set(Object.keys(createTeamActivities(team, { store: undefined as never, clock: () => new Date(0) }))),
);

// temporal.api.enums.v1.PendingActivityState: handed to a worker, no answer yet.
const PENDING_ACTIVITY_STATE_STARTED = 2;

// The held returns' activities Temporal has handed to the victim's worker and not yet heard back from.
async function activitiesInHand(
  model: TraditionalModel,
  team: Team,
  held: readonly string[],
): Promise<Record<string, number>> {
  const deadline = performance.now() + 5_000;
  const candidates = held.slice(0, 32);
  const startedOn = async (returnId: string) => {
    try {
      const description = await model.deployment.client.workflow
        .getHandle(model.deployment.workflowId(returnId))
        .describe();
      return (description.raw.pendingActivities ?? []).filter(
        (activity) =>
          ACTIVITIES_OF_TEAM[team].has(activity.activityType?.name ?? '') &&
          activity.state === PENDING_ACTIVITY_STATE_STARTED,
      ).length;
    } catch {
      return 0;
    }
  };
  for (;;) {
    const started = (await Promise.all(candidates.map(startedOn))).reduce((sum, count) => sum + count, 0);
    if (started > 0 || performance.now() > deadline) return { activitiesStartedAtKill: started };
    await delay(50);
  }
}

// How many of the returns a killed team held had their activity retried: proof the kill hit an activity in flight.
export async function retriedActivities(model: TraditionalModel, kills: readonly Kill[]): Promise<number> {
  let retried = 0;
  for (const kill of kills) {
    for (const returnId of kill.heldReturnIds) {
      const trail = await fetchAuditTrail(model.deployment.client, model.deployment.workflowId(returnId));
      const started = trail.filter((event) => event.type === 'ActivityTaskStarted' && event.team === kill.role);
      if (started.some((event) => (event.attempt ?? 1) > 1)) retried++;
    }
  }
  return retried;
}
