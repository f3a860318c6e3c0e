import assert from 'node:assert/strict';
import { CATALOGUE, decideReplacementShipment, unitsInStock } from '../../domain';
import { SHIPMENT_SCENARIOS, STOCK_SCENARIOS } from '../fixtures/domain-scenarios';
import { assertFields } from './scenario-test';

describe('Inventory', () => {
  describe('when counting the units in stock (catalogue stock minus units shipped)', () => {
    for (const scenario of STOCK_SCENARIOS) {
      it(`should find that ${scenario.name}`, () => {
        assert.equal(unitsInStock(scenario.modelId, scenario.unitsShipped), scenario.unitsInStock);
      });
    }

    it('should refuse a model that is not in the catalogue, since validation rejects it first', () => {
      assert.throws(() => unitsInStock('PHONE-X9', 0), /Unknown model PHONE-X9/);
    });
  });

  describe('when deciding the replacement shipment of a returned device', () => {
    for (const scenario of SHIPMENT_SCENARIOS) {
      it(`should decide that ${scenario.name}`, () => {
        assertFields(decideReplacementShipment(scenario.when, scenario.given), scenario.then);
      });
    }
  });

  describe('when reading the catalogue', () => {
    it('should hold one watch and no discontinued phones, the two models that exercise backorders', () => {
      const stock = Object.fromEntries(CATALOGUE.map((entry) => [entry.modelId, entry.initialStock]));
      assert.equal(stock['WATCH-W1'], 1);
      assert.equal(stock['PHONE-X0'], 0);
    });
  });
});
