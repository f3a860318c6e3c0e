// Both models side by side on the same servers and the same scope, each through its one door (model/port.ts):
// what `npm start` and the comparison suites drive. Each model keeps its own state (SQLite files, team topics), so
// sharing a scope is safe.
import type { WorkflowBundle } from '@temporalio/worker';
import { staleScopeRemedy } from '../cli/stale-scope-error';
import type { Config } from '../config';
import { type RefundRequest, type ReturnOutcome, type Team, TEAMS } from '../domain';
import { type EventSourcedModel, openEventSourcedModel } from '../event-sourced/model';
import type { Model, ModelName, StoredEffects } from '../model/port';
import { standingDecision } from '../model/effects-check';
import type { ReturnVariant } from '../traditional/client';
import { openTraditionalModel, type TraditionalModel } from '../traditional/model';
import { bundleReturnWorkflows, installTemporalRuntime } from '../traditional/worker';
import { type Difference, firstDifference } from './first-difference';

export type { ModelName };

// Both models, opened on the same servers and scope: two ports side by side, and nothing of their own. The
// functions below read any two models through their ports; npm start also reads each model's audit trail.
export interface ModelPair {
  readonly traditional: TraditionalModel;
  readonly eventSourced: EventSourcedModel;
}

// Any two models, as the comparisons read them: through the port alone.
export interface TwoModels {
  readonly traditional: Model;
  readonly eventSourced: Model;
}

// Per team, the record of each return (by returnId).
export type TeamRecordSets = Record<Team, Map<string, unknown>>;

export interface OpenBothOptions {
  readonly variant?: ReturnVariant;
  readonly workflowBundle?: WorkflowBundle;
  readonly log?: (line: string) => void;
}

// The decision of each team that stands for each return: the one every reader of the model goes by.
export function standingDecisions(effects: StoredEffects): TeamRecordSets {
  return Object.fromEntries(
    TEAMS.map((team) => [
      team,
      new Map<string, unknown>(
        [...effects.decisions[team]].map(([returnId, decisions]) => [returnId, standingDecision(decisions).record]),
      ),
    ]),
  ) as TeamRecordSets;
}

export async function openBothModels(config: Config, options: OpenBothOptions = {}): Promise<ModelPair> {
  const log = options.log ?? (() => undefined);
  installTemporalRuntime();
  const workflowBundle = options.workflowBundle ?? (await bundleReturnWorkflows());
  const [traditional, eventSourced] = await Promise.allSettled([
    openTraditionalModel(config, { variant: options.variant, workflowBundle, log }),
    openEventSourcedModel(config, { log }),
  ]);
  if (traditional.status === 'fulfilled' && eventSourced.status === 'fulfilled')
    return { traditional: traditional.value, eventSourced: eventSourced.value };
  // The one that opened is closed again, so that a failed start leaves nothing running.
  await Promise.allSettled(
    [traditional, eventSourced].flatMap((opened) => (opened.status === 'fulfilled' ? [opened.value.close()] : [])),
  );
  throw traditional.status === 'rejected' ? traditional.reason : (eventSourced as PromiseRejectedResult).reason;
}

export async function closeBothModels(models: TwoModels): Promise<void> {
  await Promise.allSettled([models.traditional.close(), models.eventSourced.close()]);
}

// Submits one return to both models at once and waits for both outcomes.
export async function submitToBoth(
  models: TwoModels,
  request: RefundRequest,
): Promise<{ traditional: ReturnOutcome; eventSourced: ReturnOutcome }> {
  const [traditional, eventSourced] = await Promise.all([
    models.traditional.submit(request),
    models.eventSourced.submit(request),
  ]);
  return { traditional, eventSourced };
}

// Every team's records as each model stores them: SQLite rows, and the data of the events on the team topics.
export async function teamRecordsOfBoth(models: TwoModels): Promise<Record<ModelName, TeamRecordSets>> {
  const [traditional, eventSourced] = await Promise.all([models.traditional.effects(), models.eventSourced.effects()]);
  return { traditional: standingDecisions(traditional), 'event-sourced': standingDecisions(eventSourced) };
}

// What each model's other stores know of the returns: Temporal's runs, the request topic.
export async function returnsSeenByBoth(models: TwoModels, returnIds: Iterable<string>): Promise<ReturnsSeen> {
  const asked = [...new Set(returnIds)];
  const [temporal, kafka] = await Promise.all([
    models.traditional.returnsKnown(asked),
    models.eventSourced.returnsKnown(asked),
  ]);
  return { knownToTemporal: temporal.handed, finishedInTemporal: temporal.finished, requestedOnKafka: kafka.handed };
}

// Every team record of both models compared, with the mismatches that are stale state told apart.
export async function compareRecordsOfBoth(models: TwoModels): Promise<RecordComparison> {
  const records = await teamRecordsOfBoth(models);
  const mismatches = compareTeamRecords(records.traditional, records['event-sourced']);
  return classifyTeamRecords(
    records,
    await returnsSeenByBoth(
      models,
      mismatches.map(({ returnId }) => returnId),
    ),
    mismatches,
  );
}

export interface RecordMismatch {
  readonly team: Team;
  readonly returnId: string;
  readonly difference: Difference;
}

// Every return a team recorded in either model, compared field by field; missing records are differences too.
export function compareTeamRecords(left: TeamRecordSets, right: TeamRecordSets): RecordMismatch[] {
  const mismatches: RecordMismatch[] = [];
  for (const team of TEAMS) {
    const returnIds = [...new Set([...left[team].keys(), ...right[team].keys()])].sort();
    for (const returnId of returnIds) {
      const difference = firstDifference(left[team].get(returnId) ?? null, right[team].get(returnId) ?? null);
      if (difference) mismatches.push({ team, returnId, difference });
    }
  }
  return mismatches;
}

// What the stores beside the team records know of a return: whether each model has seen it at all.
export interface ReturnsSeen {
  // Returns with a workflow in Temporal, running or finished, and those whose workflow completed.
  readonly knownToTemporal: ReadonlySet<string>;
  readonly finishedInTemporal: ReadonlySet<string>;
  // Returns with a RefundRequested on the event-sourced model's request topic.
  readonly requestedOnKafka: ReadonlySet<string>;
}

// Where the stale records are, as a person would look for them.
export type StaleStore = 'team-databases' | 'kafka-topics' | 'traditional-stores';

export interface StaleRecord {
  readonly team: Team;
  readonly returnId: string;
  readonly store: StaleStore;
}

export interface RecordComparison {
  // Records both models saw the return of and recorded differently, or one model left out: a difference between them.
  readonly differences: RecordMismatch[];
  // Records of one model only, for returns the other model's stores never saw, or records Temporal's finished runs
  // name that the team databases lack: state left by earlier runs, never a difference between the models.
  readonly stale: StaleRecord[];
}

// A record one model has and the other lacks is stale state when the other model never saw the return, or when
// Temporal ran the return to its end and the team database lost the record; anything else is a real difference.
export function classifyTeamRecords(
  records: Record<ModelName, TeamRecordSets>,
  seen: ReturnsSeen,
  mismatches: readonly RecordMismatch[] = compareTeamRecords(records.traditional, records['event-sourced']),
): RecordComparison {
  const differences: RecordMismatch[] = [];
  const stale: StaleRecord[] = [];
  for (const mismatch of mismatches) {
    const { team, returnId } = mismatch;
    const inTraditional = records.traditional[team].has(returnId);
    const inEventSourced = records['event-sourced'][team].has(returnId);
    let store: StaleStore | null = null;
    if (!inTraditional && inEventSourced) {
      if (seen.finishedInTemporal.has(returnId)) store = 'team-databases';
      else if (!seen.knownToTemporal.has(returnId)) store = 'kafka-topics';
    } else if (inTraditional && !inEventSourced && !seen.requestedOnKafka.has(returnId)) {
      store = 'traditional-stores';
    }
    if (store) stale.push({ team, returnId, store });
    else differences.push(mismatch);
  }
  return { differences, stale };
}

const STALE_STORE_DESCRIPTION: Readonly<Record<StaleStore, (config: Pick<Config, 'dataDir' | 'scope'>) => string>> = {
  'team-databases': ({ dataDir }) =>
    `the traditional team databases (DATA_DIR ${dataDir}) lack records that Temporal's finished runs name`,
  'kafka-topics': ({ scope }) =>
    `the Kafka topics of ${scope} hold records of returns the traditional model (Temporal) never ran`,
  'traditional-stores': ({ dataDir }) =>
    `the traditional team databases (DATA_DIR ${dataDir}) hold records of returns never requested on Kafka`,
};

// What npm start prints instead of "NOT identical" when the mismatches are stale state: where, how much, and the fix.
export function describeStaleRecords(
  config: Pick<Config, 'dataDir' | 'scope'>,
  stale: readonly StaleRecord[],
): string[] {
  const lines: string[] = [];
  for (const store of Object.keys(STALE_STORE_DESCRIPTION) as StaleStore[]) {
    const ofStore = stale.filter((record) => record.store === store);
    if (ofStore.length === 0) continue;
    const returnIds = [...new Set(ofStore.map(({ returnId }) => returnId))].sort();
    const listed = returnIds.length > 5 ? `${returnIds.slice(0, 5).join(', ')}, …` : returnIds.join(', ');
    lines.push(
      `Stale state in ${store}: ${STALE_STORE_DESCRIPTION[store](config)}: ${ofStore.length} team record(s) of ` +
        `${returnIds.length} return(s) (${listed}). This is state left by earlier runs, not a difference between the models.`,
    );
  }
  if (lines.length > 0) lines.push(staleScopeRemedy(config.scope));
  return lines;
}
