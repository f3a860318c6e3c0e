// The fault suite: every scenario in the order it runs, and the one comparison that needs them all, the outcomes
// of each scenario against those of the other model on the same returns.
import { compareOutcomes, type OutcomeComparison } from '../model/effects-check';
import { RestartRefusedError, assertRestartable } from './servers';
import { eventSourcedDuplicates, traditionalDuplicates } from './scenarios/duplicates';
import {
  eventSourcedCrashPoint,
  eventSourcedNegativeControl,
  traditionalCrashPoint,
  traditionalNegativeControl,
} from './scenarios/crash-point';
import { hostileInput } from './scenarios/hostile';
import {
  eventSourcedCompensatingKills,
  eventSourcedCustomerCareKills,
  eventSourcedInventoryHoldingKills,
  eventSourcedKills,
  traditionalCustomerCareKills,
  traditionalInventoryHoldingKills,
  traditionalKills,
  traditionalUserSupportCompensatingKills,
  traditionalUserSupportKills,
} from './scenarios/kills';
import { eventSourcedOutage, traditionalOutageParallel, traditionalOutageSequential } from './scenarios/outage';
import { eventSourcedBrokerRestart, traditionalTemporalRestart } from './scenarios/server-restart';
import { eventSourcedVerdictTwice } from './scenarios/verdict-twice';
import { type Scenario, type ScenarioContext, type ScenarioResult, skippedResult } from './scenario';

export const SCENARIOS: readonly Scenario[] = [
  eventSourcedKills,
  traditionalKills,
  eventSourcedCrashPoint,
  traditionalCrashPoint,
  eventSourcedNegativeControl,
  traditionalNegativeControl,
  traditionalUserSupportKills,
  eventSourcedInventoryHoldingKills,
  traditionalInventoryHoldingKills,
  eventSourcedCompensatingKills,
  traditionalUserSupportCompensatingKills,
  eventSourcedCustomerCareKills,
  traditionalCustomerCareKills,
  eventSourcedOutage,
  traditionalOutageSequential,
  traditionalOutageParallel,
  eventSourcedDuplicates,
  traditionalDuplicates,
  eventSourcedVerdictTwice,
  hostileInput,
  eventSourcedBrokerRestart,
  traditionalTemporalRestart,
];

// Runs one scenario; a scenario that throws is a failed result, never the end of the suite. A server restart on
// servers this stack did not start is refused and the scenario skipped, with the reason.
export async function runScenario(scenario: Scenario, context: ScenarioContext): Promise<ScenarioResult> {
  if (scenario.restarts) {
    try {
      assertRestartable(context.base, scenario.restarts);
    } catch (error) {
      if (error instanceof RestartRefusedError) return skippedResult(scenario, error.message);
      throw error;
    }
  }
  const startedAt = performance.now();
  try {
    return await scenario.run(context);
  } catch (error) {
    return {
      ...skippedResult(scenario, ''),
      skipped: undefined,
      problems: [`the scenario failed: ${(error as Error).stack ?? (error as Error).message}`],
      durationMs: performance.now() - startedAt,
    };
  }
}

export interface Identity {
  // Returns of this scenario that the other model also completed, in any of its clean scenarios.
  readonly compared: number;
  readonly differing: number;
  readonly differences: readonly string[];
  // The other model's scenarios compared against.
  readonly against: readonly string[];
}

// Every scenario's outcomes against the other model's, return by return. The other model's negative control is
// no reference: its outcomes are expected to be wrong.
export function compareAcrossModels(results: readonly ScenarioResult[]): Map<string, Identity> {
  const identities = new Map<string, Identity>();
  for (const result of results) {
    if (result.model === 'both' || result.skipped || result.outcomes.size === 0) continue;
    const references = results.filter(
      (other) =>
        other.model !== 'both' &&
        other.model !== result.model &&
        other.expectation === 'clean' &&
        other.outcomes.size > 0,
    );
    const differingIds = new Set<string>();
    const comparedIds = new Set<string>();
    const differences: string[] = [];
    for (const reference of references) {
      const comparison: OutcomeComparison = compareOutcomes(
        result.outcomes,
        reference.outcomes,
        result.id,
        reference.id,
      );
      for (const returnId of result.outcomes.keys()) if (reference.outcomes.has(returnId)) comparedIds.add(returnId);
      for (const returnId of comparison.differingReturnIds) differingIds.add(returnId);
      differences.push(...comparison.differences.slice(0, 10 - differences.length));
    }
    identities.set(result.id, {
      compared: comparedIds.size,
      differing: differingIds.size,
      differences,
      against: references.map((reference) => reference.id),
    });
  }
  return identities;
}

// A scenario passes when its own figures hold and, for a clean one, its outcomes match the other model's.
export function finalVerdict(result: ScenarioResult, identity: Identity | undefined): 'pass' | 'FAIL' | 'skipped' {
  if (result.skipped) return 'skipped';
  if (!result.passed) return 'FAIL';
  if (result.expectation === 'clean' && identity && identity.differing > 0) return 'FAIL';
  return 'pass';
}
