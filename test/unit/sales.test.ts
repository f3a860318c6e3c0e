import assert from 'node:assert/strict';
import { decideOrderRefund, isWithinReturnWindow, RETURN_WINDOW_DAYS } from '../../domain';
import { REFUND_SCENARIOS, RETURN_WINDOW_SCENARIOS } from '../fixtures/domain-scenarios';
import { assertFields } from './scenario-test';

describe('Sales', () => {
  it('should give customers a 30-day return window', () => {
    assert.equal(RETURN_WINDOW_DAYS, 30);
  });

  describe('when checking the return window', () => {
    for (const scenario of RETURN_WINDOW_SCENARIOS) {
      it(`should find that ${scenario.name}`, () => {
        assert.equal(isWithinReturnWindow(scenario.purchasedAt, scenario.requestedAt), scenario.withinWindow);
      });
    }
  });

  describe('when deciding the refund of a returned device', () => {
    for (const scenario of REFUND_SCENARIOS) {
      it(`should decide that ${scenario.name}`, () => {
        assertFields(decideOrderRefund(scenario.when, scenario.given), scenario.then);
      });
    }
  });
});
