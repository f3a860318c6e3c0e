// Recovery after a server crash, as a user meets it: 100 returns run through both models, the Kafka broker (or the
// Temporal server) is killed -9 part-way through, the stack is started again and the same 100 returns are run
// again in the same scope. Nothing may be lost or decided twice, and both models must reach the same outcomes.
// Its own stack folder, ports and servers (test/stack/own-stack.ts), since it kills them.
import assert from 'node:assert/strict';
import type { WorkflowBundle } from '@temporalio/worker';
import { closeBothModels, type ModelPair, openBothModels, submitToBoth } from '../../compare/both-models';
import { firstDifference } from '../../compare/first-difference';
import { submitInDependencyOrder } from '../../compare/submission-order';
import type { Config } from '../../config';
import type { RefundRequest } from '../../domain';
import { type CheckResult, compareOutcomes, EffectsChecker } from '../../model/effects-check';
import { generateReturns } from '../../samples/generate-returns';
import { ensureStack, type ServerName } from '../../stack/ensure';
import { bundleReturnWorkflows } from '../../traditional/worker';
import { killServer, type OwnStack, prepareOwnStack } from '../stack/own-stack';
import { uniqueScope } from '../support/test-config';
import { waitFor } from '../../model/wait-for';

const RETURNS = 100;
const KILLED_AFTER = 30;
// Generous: a loaded CI machine runs other suites meanwhile. Each wait says what it waited for.
const PHASE_MS = 300_000;

// What the run said (servers, models, the test itself), kept for a failure message.
function journal(): { keep: (line: string) => void; said: () => string } {
  const lines: string[] = [];
  return {
    keep: (line) => {
      lines.push(line);
      if (lines.length > 150) lines.shift();
    },
    said: () => lines.join('\n'),
  };
}

// Waits for a promise with a deadline that names what is awaited; its rejection is the failure.
async function finishWithin<T>(what: string, work: Promise<T>, timeoutMs = PHASE_MS): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  work.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  await waitFor(what, () => outcome !== undefined, { timeoutMs, intervalMs: 100 });
  if (outcome && 'error' in outcome) throw outcome.error;
  return (outcome as { value: T }).value;
}

interface Recovery {
  readonly killedPid: number;
  readonly completedBeforeKill: number;
  readonly traditional: CheckResult;
  readonly eventSourced: CheckResult;
  // Returns whose outcome in the rerun differs between the models, as each model's submit answered it.
  readonly rerunDifferences: readonly string[];
  readonly said: () => string;
}

async function killMidRunAndRerun(
  stack: OwnStack,
  server: ServerName,
  requests: readonly RefundRequest[],
  workflowBundle: WorkflowBundle,
): Promise<Recovery> {
  const { keep, said } = journal();
  const config: Config = { ...stack.config, scope: uniqueScope(`recovery-${server}`) };
  // The first run stops handing out returns when its server dies, as a run that died with it would.
  let firstRunStopped = false;
  // Every submission the first run started, so it is closed only once none is in flight: the run as a whole gives
  // up at its first failure, while the other submissions still wait for the server.
  const firstRunSubmissions = new Set<Promise<unknown>>();
  const submitAll = (models: ModelPair, onDone: (returnId: string) => void = () => undefined) =>
    submitInDependencyOrder(
      requests,
      async (request) => {
        if (models === first && firstRunStopped) throw new Error(`the first run stopped before ${request.returnId}`);
        const submission = submitToBoth(models, request);
        if (models === first) firstRunSubmissions.add(submission.catch(() => undefined));
        const outcomes = await submission;
        onDone(request.returnId);
        return outcomes;
      },
      { concurrency: 4 },
    );

  const first: ModelPair = await finishWithin(
    'both models to start',
    openBothModels(config, { workflowBundle, log: keep }),
  );
  const completed = new Set<string>();
  // The first run never finishes: its server dies under it. Its failures are expected and ignored.
  const firstRun = submitAll(first, (returnId) => completed.add(returnId)).catch(() => undefined);
  await waitFor(
    `${KILLED_AFTER} of ${RETURNS} returns to complete in both models`,
    () => completed.size >= KILLED_AFTER,
    {
      timeoutMs: PHASE_MS,
      intervalMs: 20,
    },
  );
  const completedBeforeKill = completed.size;
  firstRunStopped = true;
  const killedPid = await killServer(stack.dir, server);
  keep(`[test] killed ${server} (pid ${killedPid}) with ${completedBeforeKill} of ${RETURNS} returns complete`);

  await finishWithin(`the stack to start ${server} again`, ensureStack(config, { kafka: true, temporal: true }, keep));
  // The returns in flight at the kill finish once the server is back; only then is the first run closed. (A
  // Temporal client closed while a call of its waits to be retried throws from that retry's timer.)
  await finishWithin('the returns in flight at the kill to finish', firstRun);
  await finishWithin('every submission of the first run to settle', Promise.all(firstRunSubmissions));
  await finishWithin('the first run to close', closeBothModels(first));

  const second = await finishWithin(
    'both models to start again',
    openBothModels(config, { workflowBundle, log: keep }),
  );
  try {
    const rerun = await finishWithin(`the rerun of ${RETURNS} returns to finish in both models`, submitAll(second));
    const rerunDifferences = [...rerun]
      .filter(([, { traditional, eventSourced }]) => firstDifference(traditional, eventSourced) !== null)
      .map(([returnId]) => returnId);
    const checker = new EffectsChecker();
    for (const request of requests) checker.accepted(request);
    return {
      killedPid,
      completedBeforeKill,
      traditional: checker.check(await second.traditional.effects()),
      eventSourced: checker.check(await second.eventSourced.effects()),
      rerunDifferences,
      said,
    };
  } finally {
    await closeBothModels(second);
  }
}

function assertNothingLostOrDoubled(result: CheckResult, recovery: Recovery): void {
  const { lost, duplicated, rejectedWithEffect, completed, accepted } = result.figures;
  assert.deepEqual(
    { accepted, lost, duplicated, rejectedWithEffect, completed },
    { accepted: RETURNS, lost: 0, duplicated: 0, rejectedWithEffect: 0, completed: RETURNS },
    `${result.problems.join('\n')}\n--- what the run said:\n${recovery.said()}`,
  );
}

describe('when a server is killed -9 part-way through 100 returns and the same returns are run again', function () {
  this.timeout(20 * 60_000);
  let stack: OwnStack;
  let workflowBundle: WorkflowBundle;
  const requests = generateReturns({ seed: 4242, count: RETURNS, idPrefix: 'KILL' });

  before(async () => {
    stack = await prepareOwnStack('recovery', { kafkaFrom: 50000, temporalFrom: 52000 });
    await ensureStack(stack.config, { kafka: true, temporal: true });
    workflowBundle = await bundleReturnWorkflows();
  });

  after(async () => {
    await stack?.remove();
  });

  for (const server of ['kafka', 'temporal'] as const) {
    describe(`when the ${server === 'kafka' ? 'Kafka broker' : 'Temporal server'} is the one killed`, () => {
      let recovery: Recovery;

      before(async () => {
        recovery = await killMidRunAndRerun(stack, server, requests, workflowBundle);
      });

      it('should have killed it part-way through', () => {
        assert.ok(
          recovery.completedBeforeKill >= KILLED_AFTER && recovery.completedBeforeKill < RETURNS,
          recovery.said(),
        );
      });

      it('should lose nothing and decide nothing twice in the traditional model', () => {
        assertNothingLostOrDoubled(recovery.traditional, recovery);
      });

      it('should lose nothing and decide nothing twice in the event-sourced model', () => {
        assertNothingLostOrDoubled(recovery.eventSourced, recovery);
      });

      it('should give every return the same outcome in both models', () => {
        const stored = compareOutcomes(
          recovery.traditional.outcomes,
          recovery.eventSourced.outcomes,
          'traditional',
          'event-sourced',
        );
        assert.equal(stored.compared, RETURNS);
        assert.deepEqual(stored.differences, []);
        assert.deepEqual(recovery.rerunDifferences, []);
      });
    });
  }
});
