// Both implementations side by side on the same servers and the same scope: what `npm start`, the parity suite
// and the benchmark drive. Each model keeps its own state (SQLite files, team topics), so sharing a scope is safe.
import type { WorkflowBundle } from '@temporalio/worker';
import type { Config } from '../config';
import { type RefundRequest, type ReturnOutcome, type Team, TEAMS } from '../domain';
import { type EventSourcedDeployment, startEventSourcedDeployment } from '../event-sourced/deployment';
import type { ReturnVariant } from '../traditional/client';
import { startTraditionalDeployment, type TraditionalDeployment } from '../traditional/deployment';
import { bundleReturnWorkflows, installTemporalRuntime } from '../traditional/worker';
import { type Difference, firstDifference } from './first-difference';

export type ModelName = 'traditional' | 'event-sourced';

export interface BothModels {
  readonly traditional: TraditionalDeployment;
  readonly eventSourced: EventSourcedDeployment;
  // Submits one return to both models at once and waits for both outcomes.
  submitToBoth(request: RefundRequest, variant: ReturnVariant): Promise<{ traditional: ReturnOutcome; eventSourced: ReturnOutcome }>;
  // Every team's records as each model stores them: SQLite rows, and the data of the events on the team topics.
  teamRecords(): Promise<Record<ModelName, TeamRecordSets>>;
  close(): Promise<void>;
}

// Per team, the record of each return (by returnId).
export type TeamRecordSets = Record<Team, Map<string, unknown>>;

export interface StartBothOptions {
  readonly workflowBundle?: WorkflowBundle;
  readonly log?: (line: string) => void;
}

export async function startBothModels(config: Config, options: StartBothOptions = {}): Promise<BothModels> {
  const log = options.log ?? (() => undefined);
  installTemporalRuntime();
  const workflowBundle = options.workflowBundle ?? (await bundleReturnWorkflows());
  const [traditional, eventSourced] = await Promise.all([
    startTraditionalDeployment(config, { workflowBundle, log }),
    startEventSourcedDeployment(config, { log }),
  ]);
  return {
    traditional,
    eventSourced,
    async submitToBoth(request, variant) {
      const [traditionalOutcome, eventSourcedOutcome] = await Promise.all([
        traditional.submit(request, variant),
        eventSourced.submit(request),
      ]);
      return { traditional: traditionalOutcome, eventSourced: eventSourcedOutcome };
    },
    async teamRecords() {
      const stored = traditional.readAllRecords();
      const traditionalSets = Object.fromEntries(
        TEAMS.map((team) => [team, new Map<string, unknown>(stored[team].map(({ record }) => [record.returnId, record]))]),
      ) as TeamRecordSets;
      const eventSourcedSets = Object.fromEntries(TEAMS.map((team) => [team, new Map<string, unknown>()])) as TeamRecordSets;
      for (const team of TEAMS) {
        for (const { envelope } of await eventSourced.readTeamEvents(team)) {
          // The first event for a return is the team's decision; a duplicate append carries the same data.
          if (!eventSourcedSets[team].has(envelope.returnId)) eventSourcedSets[team].set(envelope.returnId, envelope.data);
        }
      }
      return { traditional: traditionalSets, 'event-sourced': eventSourcedSets };
    },
    async close() {
      await Promise.allSettled([traditional.close(), eventSourced.close()]);
    },
  };
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
