// The one checker of what the teams stored, for every driver: it knows every request a driver submitted
// (accepted or rejected), reads what each team of a model actually stored (Model.effects), and counts what went
// wrong: effects lost, effects duplicated, effects of rejected requests, returns never completed.
import { describeDifference, firstDifference } from '../compare/first-difference';
import {
  assembleOutcome,
  initialStockOf,
  RECORD_OF_TEAM,
  type RefundRequest,
  type ReplacementShipment,
  type ReturnOutcome,
  takesStock,
  type Team,
  TEAMS,
  type TeamRecords,
} from '../domain';
import type { StoredDecision, StoredEffects } from './port';

export interface CheckFigures {
  readonly accepted: number;
  readonly rejected: number;
  // Accepted returns × teams with no record.
  readonly lost: number;
  // Returns × teams with a step taken more than once.
  readonly duplicated: number;
  // Returns with a team record that no accepted request asked for.
  readonly rejectedWithEffect: number;
  // Accepted returns whose every team's record stands.
  readonly completed: number;
  readonly notCompleted: number;
  // Byte-identical copies of a decision, folded once by every reader: not a duplicated effect.
  readonly copies: number;
  // The invariants of a verdict that gates the return, over the returns that settled: a refused return with a
  // shipment, a disassembly order or a charge standing; models with more units shipped plus held than in stock.
  readonly standingAfterRefusal: number;
  readonly overStock: number;
}

export interface CheckResult {
  readonly figures: CheckFigures;
  // The first few problems, each naming a return and a team.
  readonly problems: readonly string[];
  // Each completed return's outcome as the model's readers see it: the decision of each team that stands.
  readonly outcomes: ReadonlyMap<string, ReturnOutcome>;
}

const PROBLEMS_KEPT = 20;

// The decision every reader of the model goes by: the team's latest step, which is the record that stands once the
// return has settled; of a step taken twice, the first, as readers fold a repeated event by its eventId.
export function standingDecision(decisions: readonly StoredDecision[]): StoredDecision {
  const firstOfStep = new Map<string, StoredDecision>();
  for (const decision of decisions) if (!firstOfStep.has(decision.step)) firstOfStep.set(decision.step, decision);
  const steps = [...firstOfStep.values()];
  return steps[steps.length - 1];
}

// The record of each team that has one for the return, as every reader goes by it: the return's state so far.
export function recordsOfReturn(effects: StoredEffects, returnId: string): TeamRecords {
  return Object.fromEntries(
    TEAMS.flatMap((team) => {
      const decisions = effects.decisions[team].get(returnId);
      return decisions ? [[RECORD_OF_TEAM[team], standingDecision(decisions).record]] : [];
    }),
  );
}

function refusedWithSomethingStanding(outcomes: Iterable<ReturnOutcome>, note: (problem: string) => void): number {
  let count = 0;
  for (const outcome of outcomes) {
    if (outcome.verdict !== 'refused') continue;
    const standing = [
      outcome.replacement.status === 'shipped' && 'a shipment',
      outcome.disassembly.status === 'ordered' && 'a disassembly order',
      outcome.disposal.status === 'charged' && 'a charge',
    ].filter(Boolean);
    if (standing.length === 0) continue;
    count++;
    note(`refused return ${outcome.returnId} still has ${standing.join(' and ')} standing`);
  }
  return count;
}

// Inventory's latest record of every return it knows, counted per model: a held or shipped unit takes stock.
function modelsOverStock(effects: StoredEffects, note: (problem: string) => void): number {
  const taken = new Map<string, number>();
  for (const decisions of effects.decisions.inventory.values()) {
    const shipment = standingDecision(decisions).record as ReplacementShipment;
    if (takesStock(shipment.status)) taken.set(shipment.modelId, (taken.get(shipment.modelId) ?? 0) + 1);
  }
  let count = 0;
  for (const [modelId, units] of taken) {
    if (units <= initialStockOf(modelId)) continue;
    count++;
    note(`${modelId}: ${units} units shipped or held, of ${initialStockOf(modelId)} in stock`);
  }
  return count;
}

function repeatedSteps(decisions: readonly StoredDecision[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { step } of decisions) (seen.has(step) ? repeated : seen).add(step);
  return [...repeated];
}

const sumOverTeams = (perTeam: Readonly<Record<Team, number>>): number =>
  TEAMS.reduce((sum, team) => sum + perTeam[team], 0);

export class EffectsChecker {
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
        const repeated = repeatedSteps(decisions);
        if (repeated.length > 0) {
          duplicated++;
          note(`duplicated: ${team} took ${repeated.join(', ')} of ${returnId} more than once`);
        }
        records[RECORD_OF_TEAM[team]] = standingDecision(decisions).record;
      }
      const outcome = assembleOutcome(returnId, records as TeamRecords);
      if (outcome) outcomes.set(returnId, outcome);
    }
    const unasked = this.unaskedEffects(effects, note);
    const standingAfterRefusal = refusedWithSomethingStanding(outcomes.values(), note);
    const overStock = modelsOverStock(effects, note);
    const accepted = this.acceptedRequests.size;
    return {
      figures: {
        accepted,
        rejected: this.rejectedInputs.length,
        lost,
        duplicated,
        rejectedWithEffect: unasked,
        completed: outcomes.size,
        notCompleted: accepted - outcomes.size,
        copies: sumOverTeams(effects.copies),
        standingAfterRefusal,
        overStock,
      },
      problems,
      outcomes,
    };
  }

  // Returns some team recorded that no accepted request asked for, each named once.
  private unaskedEffects(effects: StoredEffects, note: (problem: string) => void): number {
    const unasked = new Set<string>();
    for (const team of TEAMS) {
      for (const returnId of effects.decisions[team].keys()) {
        if (this.acceptedRequests.has(returnId) || unasked.has(returnId)) continue;
        unasked.add(returnId);
        const rejection = this.rejectedInputs.find((input) => input.returnId === returnId);
        note(
          rejection
            ? `effect of a rejected request: ${team} recorded ${returnId} (${rejection.label}: ${rejection.reason})`
            : `effect of no accepted request: ${team} recorded ${returnId}`,
        );
      }
    }
    return unasked.size;
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

// Per team, what its store holds for the benchmark's verification: records as stored (copies and unreadable
// items included), the returns they cover, and the steps of a return taken more than once (copies included).
export interface TeamTally {
  readonly records: number;
  readonly returns: number;
  readonly duplicates: number;
}

export function tallyEffects(effects: StoredEffects): Record<Team, TeamTally> {
  const tally = {} as Record<Team, TeamTally>;
  for (const team of TEAMS) {
    let decisions = 0;
    let stepsTakenAgain = 0;
    for (const stored of effects.decisions[team].values()) {
      decisions += stored.length;
      stepsTakenAgain += stored.length - new Set(stored.map(({ step }) => step)).size;
    }
    tally[team] = {
      records: decisions + effects.copies[team] + effects.unreadable[team],
      returns: effects.decisions[team].size,
      duplicates: stepsTakenAgain + effects.copies[team],
    };
  }
  return tally;
}
