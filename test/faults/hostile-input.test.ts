// Hostile input through every entry point of both models: refused with a clear error or dead-lettered with its
// reason, never an effect, and never in the way of the valid returns sent after it.
import assert from 'node:assert/strict';
import { loadConfig } from '../../config';
import { type HostileReport, runHostileInput } from '../../faults/hostile-input';
import { CONTENT_CASES } from '../../faults/hostile/request-cases';

describe('Faults: hostile input', () => {
  let report: HostileReport;

  before(async () => {
    report = await runHostileInput(loadConfig());
  });

  describe('when hostile input reaches the start scripts, the APIs and every topic', () => {
    it('should cover at least 20 kinds of input through all ten entry points', () => {
      assert.ok(new Set(report.rows.map((row) => row.caseId)).size >= 20);
      assert.equal(new Set(report.rows.map((row) => row.entryPoint)).size, 10);
    });

    it('should refuse every request that breaks the schema, at every entry point that takes requests', () => {
      for (const entryPoint of [
        'npm run traditional -- --requests',
        'npm run event-sourced -- --requests',
        'traditional client: startReturn()',
      ]) {
        for (const hostileCase of CONTENT_CASES) {
          const row = report.rows.find(
            (candidate) => candidate.entryPoint === entryPoint && candidate.caseId === hostileCase.id,
          );
          assert.equal(row?.handling, 'error', `${entryPoint} / ${hostileCase.id}`);
        }
      }
    });

    it('should give each input a clear error or a dead letter with its reason, except the forged event copies', () => {
      assert.deepEqual(
        report.rows
          .filter((row) => !row.ok)
          .map((row) => `${row.entryPoint} / ${row.caseId}: ${row.handling}, ${row.detail}`),
        [],
      );
      const ignored = report.rows.filter((row) => row.handling === 'ignored').map((row) => row.caseId);
      assert.deepEqual([...new Set(ignored)], ['same-event-id-different-content']);
    });

    it('should leave no effect of any of it in either model', () => {
      for (const figures of Object.values(report.figures)) {
        assert.deepEqual(
          { rejectedWithEffect: figures.rejectedWithEffect, duplicated: figures.duplicated },
          { rejectedWithEffect: 0, duplicated: 0 },
        );
      }
      assert.ok(report.rows.every((row) => !row.effect));
    });

    it('should complete every valid return sent after it, with the outcome its request alone decides', () => {
      assert.ok(report.validAfter.length >= 4);
      for (const after of report.validAfter) {
        assert.deepEqual(
          { completed: after.completed, asExpected: after.asExpected },
          { completed: after.sent, asExpected: after.sent },
          after.entryPoint,
        );
      }
      assert.deepEqual(report.problems, []);
    });
  });
});
