import assert from 'node:assert/strict';
import { costCentreFor, decideAssetDisposal } from '../../domain';
import { COST_CENTRE_SCENARIOS, DISPOSAL_SCENARIOS } from '../fixtures/domain-scenarios';

describe('Accounting', () => {
  describe('when choosing the cost centre of a site', () => {
    for (const scenario of COST_CENTRE_SCENARIOS) {
      it(`should find that ${scenario.name} (${scenario.siteId} -> ${scenario.costCentre})`, () => {
        assert.equal(costCentreFor(scenario.siteId), scenario.costCentre);
      });
    }
  });

  describe('when charging the disposal of a returned device', () => {
    for (const scenario of DISPOSAL_SCENARIOS) {
      it(`should decide that ${scenario.name}`, () => {
        assert.deepEqual(decideAssetDisposal(scenario.when), scenario.then);
      });
    }
  });
});
