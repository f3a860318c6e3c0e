// `npm run reset` clears one scope in every store, leaves every other scope alone, and a run right after it
// starts from nothing: the same returns come to the same outcomes again.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { closeBothModels, compareRecordsOfBoth } from '../../compare/both-models';
import { isEmpty, type ScopeState, surveyScope } from '../../compare/reset';
import { type ReturnOutcome, TEAMS } from '../../domain';
import { startEventSourcedDeployment } from '../../event-sourced/deployment';
import { teamGroupId } from '../../event-sourced/teams';
import { waitFor } from '../../model/wait-for';
import { readTeamRecords } from '../../traditional/teams';
import { listScopeRuns, runStatus } from '../../traditional/scope-runs';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { runScript, type ScriptRun } from '../../model/script-process';
import {
  connectScopeStores,
  type OpenScopeStores,
  openBothOnScope,
  submitEachToBoth,
  testScopes,
} from './support/scope-stores';

describe('when a scope is cleared with npm run reset', function () {
  this.timeout(600_000);
  const scopes = testScopes('reset', 2);
  const [cleared, kept] = scopes.configs;
  const envOf = (config: typeof cleared) => ({ RETURNS_SCOPE: config.scope, DATA_DIR: config.dataDir });
  let clearedStores: OpenScopeStores;
  let keptStores: OpenScopeStores;
  let firstOutcomes: ReturnOutcome[];
  let keptBefore: ScopeState;
  let reset: ScriptRun;

  before(async () => {
    for (const config of [cleared, kept]) {
      const models = await openBothOnScope(config);
      try {
        const outcomes = await submitEachToBoth(models, SAMPLE_RETURNS);
        if (config === cleared) firstOutcomes = outcomes;
      } finally {
        await closeBothModels(models);
      }
    }
    clearedStores = await connectScopeStores(cleared);
    keptStores = await connectScopeStores(kept);
    keptBefore = await surveyScope(kept, keptStores);
    // No stdin, as in CI: nobody to ask, so it clears without asking.
    reset = await runScript('reset', [], envOf(cleared));
  });

  after(async () => {
    await Promise.allSettled([clearedStores?.close(), keptStores?.close()]);
    await scopes.remove();
  });

  it('should exit 0 and print what it cleared, with counts', () => {
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, new RegExp(`Scope "${cleared.scope}" holds:`));
    assert.match(reset.stdout, /Kafka topics\s+12\b/);
    assert.match(reset.stdout, /Temporal workflow runs\s+6\b/);
    assert.match(reset.stdout, /team databases\s+5\b/);
    const groups = Number(/Kafka consumer groups\s+(\d+)/.exec(reset.stdout)?.[1]);
    assert.ok(groups >= TEAMS.length, `at least the teams' groups, got ${groups}`);
    assert.match(
      reset.stdout,
      /Cleared scope .*: 12 Kafka topic\(s\), \d+ consumer group\(s\), 6 Temporal workflow run\(s\) \(0 running\), 5 team database\(s\)/,
    );
  });

  it('should leave no topic, consumer group, workflow run or team database of the scope', async () => {
    const after = await surveyScope(cleared, clearedStores);
    assert.deepEqual(after, { topics: [], consumerGroups: [], workflowRuns: [], teamDatabases: [] });
    assert.deepEqual(await clearedStores.eventLog.consumerGroups(`${cleared.scope}.`), []);
    assert.deepEqual(await listScopeRuns(clearedStores.client, cleared.scope), []);
    assert.equal(existsSync(path.join(cleared.dataDir, cleared.scope)), false, 'the scope folder of DATA_DIR is gone');
  });

  it('should leave another scope as it was', async () => {
    const keptAfter = await surveyScope(kept, keptStores);
    assert.deepEqual(keptAfter.topics, keptBefore.topics);
    assert.equal(keptAfter.topics.length, 12);
    assert.deepEqual(keptAfter.workflowRuns, keptBefore.workflowRuns);
    assert.equal(keptAfter.workflowRuns.length, SAMPLE_RETURNS.length);
    for (const team of TEAMS)
      assert.ok(keptAfter.consumerGroups.includes(teamGroupId(kept.scope, team)), `${team}'s group`);
    for (const team of TEAMS)
      assert.equal((await readTeamRecords(kept, team)).length, SAMPLE_RETURNS.length, `${team}'s records`);
  });

  it('should say the scope is already clear when run again', async () => {
    const again = await runScript('reset', [], envOf(cleared));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /is already clear/);
  });

  it('should give the same outcomes when the same returns run again, with identical records in both models', async () => {
    const models = await openBothOnScope(cleared);
    try {
      assert.deepEqual(await submitEachToBoth(models, SAMPLE_RETURNS), firstOutcomes);
      assert.deepEqual(await compareRecordsOfBoth(models), { differences: [], stale: [] });
    } finally {
      await closeBothModels(models);
    }
    assert.ok(!isEmpty(await surveyScope(cleared, clearedStores)));
  });

  it('should also delete a run that is still running, as one whose workers stopped mid-return is', async () => {
    const stuck = await clearedStores.client.workflow.start('processReturnParallel', {
      workflowId: `${cleared.scope}.return.R-STUCK`,
      taskQueue: `${cleared.scope}.nobody-polls-this`,
      args: [],
    });
    await waitFor('the running run to be listed', async () =>
      (await listScopeRuns(clearedStores.client, cleared.scope)).some(
        ({ runId, status }) => runId === stuck.firstExecutionRunId && status === 'RUNNING',
      ),
    );
    const run = await runScript('reset', ['--yes'], envOf(cleared));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /7 Temporal workflow run\(s\) \(1 running\)/);
    assert.equal(await runStatus(clearedStores.client, stuck.workflowId), null);
    assert.ok(isEmpty(await surveyScope(cleared, clearedStores)));
  });

  it('should refuse, clearing nothing else, while a model still runs in the scope', async () => {
    const running = await startEventSourcedDeployment(kept);
    let refused: ScriptRun;
    try {
      refused = await runScript('reset', ['--yes'], envOf(kept));
    } finally {
      await running.close();
    }
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(
      refused.stderr,
      new RegExp(`still runs in scope "${kept.scope}". Stop it, then run \`npm run reset\` again`),
    );
    assert.doesNotMatch(refused.stderr, /at .*\.ts:\d+/, 'no stack trace');
    const keptAfter = await surveyScope(kept, keptStores);
    assert.deepEqual(keptAfter.topics, keptBefore.topics);
    assert.deepEqual(keptAfter.workflowRuns, keptBefore.workflowRuns);
    assert.equal(keptAfter.teamDatabases.length, 5);
  });
});
