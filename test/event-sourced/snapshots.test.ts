// Snapshots bound a team's restart, and never change what it rebuilds: loading a snapshot and folding only its tail
// gives the state that folding everything from offset 0 gives, and a snapshot that is corrupt, of another schema or
// of another topic is ignored with a line saying why, the partition rebuilt from 0 all the same.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { type Team, TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { snapshotFolder, type SnapshotStore } from '../../event-sourced/snapshots';
import { type RebuiltState, rebuildTeamState } from '../../event-sourced/team-runner';
import { TEAM_DECIDERS } from '../../event-sourced/teams';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { allCaughtUp, removeScope, startTestDeployment } from './support/scope';

const MODELS = ['PHONE-X1', 'PHONE-X2', 'TABLET-T5', 'LAPTOP-L3', 'WATCH-W1', 'PHONE-X0'];

// Returns over every model and many orders, so that every partition of every team's input holds some.
function manyReturns(label: string, count: number) {
  return Array.from({ length: count }, (_, index) =>
    aReturn({
      returnId: `R-${label}-${index}`,
      orderId: `O-${label}-${index % 7}`,
      modelId: MODELS[index % MODELS.length],
      serialNumber: `SN-${label}-${index}`,
    }),
  );
}

// A partition's whole state, with the grow-only collections in sorted order.
function plain(rebuilt: RebuiltState<Team, unknown>): unknown {
  return JSON.parse(JSON.stringify(Object.fromEntries(rebuilt.partitions)));
}

describe('Event-sourced model: snapshots of each team’s partitions', () => {
  const config = testConfig('snapshots');
  const live = mkdtempSync(path.join(os.tmpdir(), 'snapshots-live-'));
  const frozen = mkdtempSync(path.join(os.tmpdir(), 'snapshots-frozen-'));
  let deployment: EventSourcedDeployment;

  before(async () => {
    // A snapshot after every batch, so that each partition has one as soon as it took a record.
    deployment = await startTestDeployment(config, {
      snapshots: { store: snapshotFolder(live), everyRecords: 1, everyMs: 60_000 },
    });
    for (const request of SAMPLE_RETURNS) await deployment.submit(request, { timeoutMs: 30_000 });
    await Promise.all(manyReturns('BEFORE', 24).map((request) => deployment.submit(request, { timeoutMs: 60_000 })));
    await allCaughtUp(deployment);
    // The snapshots as they stand now; what follows is their tail.
    cpSync(live, frozen, { recursive: true });
    await Promise.all(manyReturns('AFTER', 12).map((request) => deployment.submit(request, { timeoutMs: 60_000 })));
    await allCaughtUp(deployment);
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
    rmSync(live, { recursive: true, force: true });
    rmSync(frozen, { recursive: true, force: true });
  });

  const rebuild = (team: Team, snapshots?: SnapshotStore, said: string[] = []) =>
    rebuildTeamState(deployment.eventLog, config.scope, TEAM_DECIDERS[team], {
      snapshots,
      say: (line) => said.push(line),
    });

  it('should have written one snapshot per team and partition', () => {
    const files = readdirSync(frozen).sort();
    assert.deepEqual(files, TEAMS.flatMap((team) => [0, 1, 2].map((p) => `${team}.${p}.snapshot`)).sort());
  });

  for (const team of TEAMS) {
    it(`should give ${team} the same state from its snapshots and their tail as from offset 0, reading less`, async () => {
      const fromZero = await rebuild(team);
      const said: string[] = [];
      const fromSnapshots = await rebuild(team, snapshotFolder(frozen), said);
      assert.deepEqual(said, []);
      assert.equal(fromSnapshots.restored, 3);
      assert.deepEqual(plain(fromSnapshots), plain(fromZero));
      assert.deepEqual(fromSnapshots.written, []);
      assert.deepEqual(fromSnapshots.folded, fromZero.folded);
      assert.ok(fromSnapshots.events < fromZero.events, `${fromSnapshots.events} of ${fromZero.events} events read`);
    });
  }

  describe('when a snapshot is corrupt, of another schema, or of a topic created again', () => {
    const spoiled = mkdtempSync(path.join(os.tmpdir(), 'snapshots-spoiled-'));

    before(() => {
      cpSync(frozen, spoiled, { recursive: true });
      const fileOf = (partition: number) => path.join(spoiled, `inventory.${partition}.snapshot`);
      // One byte changed: the checksum no longer matches.
      const corrupt = readFileSync(fileOf(0), 'utf8');
      writeFileSync(fileOf(0), corrupt.replace('"schema":1', '"schema":2'));
      // A well-formed snapshot of a schema this release does not read.
      const rewrite = (partition: number, change: (body: Record<string, unknown>) => Record<string, unknown>) => {
        const text = readFileSync(fileOf(partition), 'utf8');
        const body = JSON.stringify(change(JSON.parse(text.slice(text.indexOf('\n') + 1))));
        writeFileSync(fileOf(partition), `${createHash('sha256').update(body).digest('hex')}\n${body}`);
      };
      rewrite(1, (body) => ({ ...body, schema: 0 }));
      // The record it says it took last is not the one at that offset.
      rewrite(2, (body) => ({ ...body, lastInput: { ...(body.lastInput as object), digest: '0'.repeat(64) } }));
    });

    after(() => rmSync(spoiled, { recursive: true, force: true }));

    it('should ignore each with a line saying why, and rebuild the same state from offset 0', async () => {
      const fromZero = await rebuild('inventory');
      const said: string[] = [];
      const rebuilt = await rebuild('inventory', snapshotFolder(spoiled), said);
      assert.equal(rebuilt.restored, 0);
      assert.deepEqual(plain(rebuilt), plain(fromZero));
      assert.equal(said.length, 3, said.join('\n'));
      assert.match(said[0], /partition 0 is ignored: its checksum does not match/);
      assert.match(said[1], /partition 1 is ignored: it is of schema 0, not 1/);
      assert.match(said[2], /partitions 2 are ignored: the input record they end at is not the one they took/);
    });
  });

  describe('when Inventory restarts with its snapshots', () => {
    it('should hold the state it held, and decide on from it', async () => {
      const before = JSON.stringify(Object.fromEntries(deployment.teamState('inventory')));
      await deployment.stopTeam('inventory');
      await deployment.startTeam('inventory');
      assert.equal(JSON.stringify(Object.fromEntries(deployment.teamState('inventory'))), before);
      const outcome = await deployment.submit(
        aReturn({ returnId: 'R-WATCH-LAST', orderId: 'O-WATCH-LAST', modelId: 'WATCH-W1' }),
        {
          timeoutMs: 30_000,
        },
      );
      // The samples took the one watch before the snapshots: none is left after the restart either.
      assert.equal(outcome.replacement.status, 'backordered');
    });
  });
});
