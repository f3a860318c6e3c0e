import assert from 'node:assert/strict';
import { decideDisassemblyOrder, diagnoseDefect, DIAGNOSES } from '../../domain';
import { DIAGNOSIS_SCENARIOS, DISASSEMBLY_SCENARIOS } from '../fixtures/domain-scenarios';

describe('Manufacturing', () => {
  describe('when diagnosing the reported defect', () => {
    for (const scenario of DIAGNOSIS_SCENARIOS) {
      it(`should diagnose ${scenario.name} ("${scenario.reportedDefect}") as ${scenario.diagnosis}`, () => {
        assert.equal(diagnoseDefect(scenario.reportedDefect), scenario.diagnosis);
      });
    }

    it('should have a scenario for every diagnosis category', () => {
      const covered = new Set(DIAGNOSIS_SCENARIOS.map((scenario) => scenario.diagnosis));
      assert.deepEqual(
        [...DIAGNOSES].filter((diagnosis) => !covered.has(diagnosis)),
        [],
      );
    });

    it('should give the same diagnosis however often it is asked (no regex state between calls)', () => {
      const answers = Array.from({ length: 5 }, () => diagnoseDefect('Water damage after rain'));
      assert.deepEqual(answers, Array(5).fill('liquid-damage'));
    });
  });

  describe('when ordering the disassembly of a returned device', () => {
    for (const scenario of DISASSEMBLY_SCENARIOS) {
      it(`should decide that ${scenario.name}`, () => {
        assert.deepEqual(decideDisassemblyOrder(scenario.when), scenario.then);
      });
    }
  });
});
