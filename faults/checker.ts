// The one checker every fault scenario ends with. It knows every request the scenario submitted (accepted or
// rejected), reads back what each team of a model actually stored, and counts what went wrong: effects lost,
// effects duplicated, effects of rejected requests, returns never completed; and compares two models' outcomes.
import { describeDifference, firstDifference } from '../compare/first-difference';
import type { Config } from '../config';
import {
  assembleOutcome,
  RECORD_OF_TEAM,
  type RefundRequest,
  type ReturnOutcome,
  type Team,
  TEAMS,
  type TeamRecords,
} from '../domain';
import { decodeTeamEvent } from '../event-sourced/envelope';
import type { EventLog } from '../event-sourced/event-log';
import { topicsOf } from '../event-sourced/topics';
import { readTeamRecords } from '../traditional/teams';
import { readDecidedAgain } from './edge/decided-again';

export type ModelName = 'traditional' | 'event-sourced';

// What one model's teams stored, read back from where each keeps it.
export interface StoredEffects {
  readonly model: ModelName;
  // Per team and return: each decision the team stored, in the order stored. One is right; none is lost; two is
  // a duplicated effect.
  readonly decisions: Readonly<Record<Team, ReadonlyMap<string, readonly unknown[]>>>;
  // Byte-identical copies of a decision (a producer's retry after a lost acknowledgement): stored twice, one
  // decision all the same, folded once by every reader by its eventId. Counted apart from duplicates.
  readonly copies: number;
}

export interface CheckFigures {
  readonly accepted: number;
  readonly rejected: number;
  // Accepted returns × teams with no record.
  readonly lost: number;
  // Returns × teams with more than one decision.
  readonly duplicated: number;
  // Returns with a team record that no accepted request asked for.
  readonly rejectedWithEffect: number;
  // Accepted returns that every team answered.
  readonly completed: number;
  readonly notCompleted: number;
  readonly copies: number;
}

export interface CheckResult {
  readonly figures: CheckFigures;
  // The first few problems, each naming a return and a team.
  readonly problems: readonly string[];
  // Each completed return's outcome as the model's readers see it: the first decision of each team.
  readonly outcomes: ReadonlyMap<string, ReturnOutcome>;
}

const PROBLEMS_KEPT = 20;

export class FaultChecker {
  private readonly acceptedRequests = new Map<string, RefundRequest>();
  private readonly rejectedInputs: {
    readonly label: string;
    readonly returnId: string | null;
    readonly reason: string;
  }[] = [];
  private submissions = 0;

  // A request the model took: published, or its workflow started. The same return may be submitted many times.
  accepted(request: RefundRequest): void {
    this.submissions++;
    if (!this.acceptedRequests.has(request.returnId)) this.acceptedRequests.set(request.returnId, request);
  }

  // A request refused with a clear error or dead-lettered. Its returnId, when it has one, must leave no record.
  rejected(label: string, returnId: string | null, reason: string): void {
    this.submissions++;
    this.rejectedInputs.push({ label, returnId, reason });
  }

  get submitted(): number {
    return this.submissions;
  }

  acceptedReturnIds(): string[] {
    return [...this.acceptedRequests.keys()];
  }

  check(effects: StoredEffects): CheckResult {
    const problems: string[] = [];
    const note = (problem: string) => {
      if (problems.length < PROBLEMS_KEPT) problems.push(problem);
    };
    let lost = 0;
    let duplicated = 0;
    let completed = 0;
    const outcomes = new Map<string, ReturnOutcome>();
    for (const returnId of this.acceptedRequests.keys()) {
      const records: Partial<Record<keyof TeamRecords, unknown>> = {};
      for (const team of TEAMS) {
        const decisions = effects.decisions[team].get(returnId) ?? [];
        if (decisions.length === 0) {
          lost++;
          note(`lost: ${team} has no record of accepted return ${returnId}`);
          continue;
        }
        if (decisions.length > 1) {
          duplicated++;
          note(`duplicated: ${team} recorded ${returnId} ${decisions.length} times`);
        }
        records[RECORD_OF_TEAM[team]] = decisions[0];
      }
      const outcome = assembleOutcome(returnId, records as TeamRecords);
      if (outcome) {
        completed++;
        outcomes.set(returnId, outcome);
      }
    }
    const unasked = new Set<string>();
    for (const team of TEAMS) {
      for (const returnId of effects.decisions[team].keys()) {
        if (!this.acceptedRequests.has(returnId) && !unasked.has(returnId)) {
          unasked.add(returnId);
          const rejection = this.rejectedInputs.find((input) => input.returnId === returnId);
          note(
            rejection
              ? `effect of a rejected request: ${team} recorded ${returnId} (${rejection.label}: ${rejection.reason})`
              : `effect of no accepted request: ${team} recorded ${returnId}`,
          );
        }
      }
    }
    const accepted = this.acceptedRequests.size;
    return {
      figures: {
        accepted,
        rejected: this.rejectedInputs.length,
        lost,
        duplicated,
        rejectedWithEffect: unasked.size,
        completed,
        notCompleted: accepted - completed,
        copies: effects.copies,
      },
      problems,
      outcomes,
    };
  }
}

export interface OutcomeComparison {
  // Returns both sides completed.
  readonly compared: number;
  readonly differingReturnIds: readonly string[];
  // The first differing field of the first few returns that differ.
  readonly differences: readonly string[];
}

export function compareOutcomes(
  left: ReadonlyMap<string, ReturnOutcome>,
  right: ReadonlyMap<string, ReturnOutcome>,
  leftName: string,
  rightName: string,
): OutcomeComparison {
  let compared = 0;
  const differingReturnIds: string[] = [];
  const differences: string[] = [];
  for (const [returnId, outcome] of left) {
    const other = right.get(returnId);
    if (!other) continue;
    compared++;
    const difference = firstDifference(outcome, other);
    if (!difference) continue;
    differingReturnIds.push(returnId);
    if (differences.length < PROBLEMS_KEPT)
      differences.push(describeDifference(returnId, difference, leftName, rightName));
  }
  return { compared, differingReturnIds, differences };
}

function emptyDecisions(): Record<Team, Map<string, unknown[]>> {
  return Object.fromEntries(TEAMS.map((team) => [team, new Map<string, unknown[]>()])) as Record<Team, Map<string, unknown[]>>;
}

function add(decisions: Map<string, unknown[]>, returnId: string, decision: unknown): void {
  const list = decisions.get(returnId);
  if (list) list.push(decision);
  else decisions.set(returnId, [decision]);
}

// Traditional: each team's SQLite file, plus what the negative control decided again (faults/edge/decided-again.ts).
export function readTraditionalEffects(config: Pick<Config, 'dataDir' | 'scope'>): StoredEffects {
  const decisions = emptyDecisions();
  for (const team of TEAMS) {
    for (const { record } of readTeamRecords(config, team)) add(decisions[team], record.returnId, record);
    for (const { record } of readDecidedAgain(config, team)) add(decisions[team], record.returnId, record);
  }
  return { model: 'traditional', decisions, copies: 0 };
}

export interface EventSourcedReadOptions {
  // Raw records a scenario wrote onto a team topic itself (hostile input): never a decision of the team.
  readonly injectedValues?: ReadonlySet<string>;
}

// Event-sourced: every team topic from offset 0, each event read by the same gate every reader uses. Records that
// do not pass it (poison) are no team's decision: the readers dead-letter them.
export async function readEventSourcedEffects(
  log: EventLog,
  scope: string,
  options: EventSourcedReadOptions = {},
): Promise<StoredEffects> {
  const decisions = emptyDecisions();
  const topics = topicsOf(scope).teamEvents;
  let copies = 0;
  for (const team of TEAMS) {
    const seenValues = new Set<string>();
    await log.readToEnd([topics[team]], (record) => {
      const value = record.value?.toString('utf8') ?? '';
      if (options.injectedValues?.has(value)) return;
      const decoded = decodeTeamEvent(record, team);
      if (!decoded.ok) return;
      // A decision taken again differs at least in when it occurred; a byte-identical record is one decision.
      if (seenValues.has(value)) {
        copies++;
        return;
      }
      seenValues.add(value);
      add(decisions[team], decoded.envelope.returnId, decoded.envelope.data);
    });
  }
  return { model: 'event-sourced', decisions, copies };
}
