// Usage statistics as a pure function of the events: the analytics subscriber's arithmetic, without a broker.
import assert from 'node:assert/strict';
import type { Team } from '../../domain';
import {
  type AnyEnvelope,
  type RequestEnvelope,
  requestEnvelope,
  teamEventEnvelope,
} from '../../event-sourced/envelope';
import { usageStats } from '../../event-sourced/projections/usage-stats.projection';
import type { TeamDecider } from '../../event-sourced/deciders/decider';
import { TEAM_DECIDERS } from '../../event-sourced/teams';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { aReturn } from '../fixtures/domain-scenarios';
import { SAMPLE_USAGE } from './support/sample-usage';

const AT = '2026-08-01T10:00:00.000Z';

// A team answering requests one after another from its own state, as its runner would.
function teamAnswering<T extends Team, State>(decider: TeamDecider<T, State>) {
  let state = decider.initialState();
  return (requested: RequestEnvelope): AnyEnvelope[] =>
    decider.decide(requested, state).map((event) => {
      state = decider.evolve(state, event);
      return teamEventEnvelope(decider.team, event, requested, AT);
    });
}

// Every event the sample returns cause, in publication order.
function eventsOfSamples(): AnyEnvelope[] {
  const teams: ((requested: RequestEnvelope) => AnyEnvelope[])[] = [
    teamAnswering(TEAM_DECIDERS.sales),
    teamAnswering(TEAM_DECIDERS.inventory),
    teamAnswering(TEAM_DECIDERS.manufacturing),
    teamAnswering(TEAM_DECIDERS.accounting),
  ];
  return SAMPLE_RETURNS.flatMap((request): AnyEnvelope[] => {
    const requested = requestEnvelope(request, AT);
    return [requested, ...teams.flatMap((answer) => answer(requested))];
  });
}

describe('Usage statistics', () => {
  describe('when the six sample returns have been answered', () => {
    it('should count returns, defects, refunds, disposal costs and backorders', () => {
      assert.deepEqual(usageStats(eventsOfSamples()), SAMPLE_USAGE);
    });
  });

  describe('when an event was written twice', () => {
    it('should count it once', () => {
      const events = eventsOfSamples();
      assert.deepEqual(usageStats([...events, ...events]), SAMPLE_USAGE);
    });
  });

  describe('when a return is requested and nobody has answered yet', () => {
    it('should count it as requested, not complete', () => {
      const stats = usageStats([requestEnvelope(aReturn({ returnId: 'R-9', modelId: 'TABLET-T5' }), AT)]);
      assert.deepEqual(
        [stats.returnsRequested, stats.returnsComplete, stats.returnsPerModel],
        [1, 0, { 'TABLET-T5': 1 }],
      );
    });
  });
});
