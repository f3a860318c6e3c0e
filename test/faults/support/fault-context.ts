// What the fault tests share: reduced sizes, a context that keeps what the processes said for a failure message,
// and the pass figures every clean scenario must show.
import assert from 'node:assert/strict';
import { loadConfig } from '../../../config';
import type { ScenarioContext, ScenarioResult, Sizes } from '../../../faults/scenario';

// A few hundred returns and outages of a few seconds: the whole fault suite stays within minutes on 2 cores.
export const TEST_SIZES: Sizes = { returns: 150, fewerReturns: 80, kills: 3, outageMs: 3_000, concurrency: 16 };

export interface TestContext extends ScenarioContext {
  // The last lines the processes, servers and scenario printed.
  said(): string;
}

export function testContext(seed = 1): TestContext {
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
  };
  return { base: loadConfig(), sizes: TEST_SIZES, seed, progress: keep, debug: keep, said: () => lines.join('\n') };
}

function explain(result: ScenarioResult, context: TestContext): string {
  return `${result.id}: ${result.problems.slice(0, 10).join('\n')}\n--- what the processes said:\n${context.said()}`;
}

// 0 lost, 0 duplicated, 0 effects from rejected input, every accepted return completed after recovery.
export function assertClean(result: ScenarioResult, context: TestContext): void {
  const { lost, duplicated, rejectedWithEffect, completed, accepted, standingAfterRefusal, overStock } = result.figures;
  assert.deepEqual(
    { lost, duplicated, rejectedWithEffect, completed, standingAfterRefusal, overStock },
    { lost: 0, duplicated: 0, rejectedWithEffect: 0, completed: accepted, standingAfterRefusal: 0, overStock: 0 },
    explain(result, context),
  );
  assert.ok(accepted >= result.returns, `${result.id}: only ${accepted} of ${result.returns} returns accepted`);
  assert.deepEqual(result.problems, [], explain(result, context));
  assert.ok(result.passed, explain(result, context));
}
