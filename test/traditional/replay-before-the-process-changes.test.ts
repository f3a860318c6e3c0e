// Runs started before the process changed replay on today's workflow code: every history recorded with the code
// before the change (test/fixtures/before-the-process-changes) replays without a nondeterminism error, because the
// new path sits behind patched(), which such a history answers with false. A history changed to disagree with the
// code must fail, or the replay would prove nothing.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { sharedWorkflowBundle } from './deployment-fixture';
import { historyFromJson, historyToJson, readHistoryFile } from './support/history-json';

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'before-the-process-changes', 'workflow-histories');
const files = readdirSync(HISTORIES)
  .filter((name) => name.endsWith('.json'))
  .sort();

// The workflow id a history was recorded under, from its first event's scope and the returnId in the file's name.
function workflowIdOf(name: string): string {
  const [, inFlight, variant, returnId] = /^(in-flight-)?(parallel|sequential)-(R-\d+)\.json$/.exec(name) ?? [];
  assert.ok(variant, `${name} is named <variant>-<returnId>.json`);
  return `before-change-${inFlight ?? ''}${variant}.return.${returnId}`;
}

describe('traditional workflows replay the histories of runs started before the process changed', function () {
  this.timeout(180_000);

  it('should find the 12 completed runs and the 2 runs waiting for Inventory', () => {
    assert.equal(files.filter((name) => !name.startsWith('in-flight-')).length, 12);
    assert.equal(files.filter((name) => name.startsWith('in-flight-')).length, 2);
  });

  it('should replay every one of them on the current code without a nondeterminism error', async () => {
    const histories = files.map((name) => ({
      workflowId: workflowIdOf(name),
      history: readHistoryFile(path.join(HISTORIES, name)),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: await sharedWorkflowBundle() }, histories)) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    assert.deepEqual(failures, []);
    assert.equal(replayed, files.length);
  });

  it('should fail a history that disagrees with the code: a parallel run replayed as the sequential workflow', async () => {
    const name = 'parallel-R-1001.json';
    const json = historyToJson(readHistoryFile(path.join(HISTORIES, name))) as {
      events: { workflowExecutionStartedEventAttributes?: { workflowType: { name: string } } }[];
    };
    const started = json.events[0].workflowExecutionStartedEventAttributes;
    assert.ok(started, 'the first event starts the run');
    started.workflowType.name = 'processReturnSequential';
    await assert.rejects(
      Worker.runReplayHistory(
        { workflowBundle: await sharedWorkflowBundle() },
        historyFromJson(json),
        workflowIdOf(name),
      ),
      /[Nn]ondeterminis/,
    );
  });
});
