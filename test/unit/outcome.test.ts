import assert from 'node:assert/strict';
import { describeTeamRecords, formatMoney } from '../../cli/describe-records';
import {
  assembleOutcome,
  decideAssetDisposal,
  decideNotification,
  decideOrderRefund,
  missingTeams,
  type RefundRequest,
  type Team,
  type TeamRecords,
  settleAssetDisposal,
  settleDisassembly,
  settleReplacement,
  TEAMS,
  verdictOf,
} from '../../domain';
import {
  aReturn,
  MONEY_FORMAT_SCENARIOS,
  type ReturnScenario,
  SAMPLE_RETURN_SCENARIOS,
} from '../fixtures/domain-scenarios';

const RECORD_OF_TEAM: Readonly<Record<Team, keyof TeamRecords>> = {
  sales: 'refund',
  inventory: 'replacement',
  manufacturing: 'disassembly',
  accounting: 'disposal',
  'customer-care': 'notification',
};

// Each team's record in the order the teams need each other: Sales' verdict first, Customer Care last.
function recordsInOrder(request: RefundRequest, given: ReturnScenario['given']): Required<TeamRecords> {
  const refund = decideOrderRefund(request, given.sales);
  const verdict = verdictOf(refund);
  const replacement = settleReplacement(request, undefined, verdict, given.inventory);
  return {
    refund,
    replacement,
    disassembly: settleDisassembly(request, undefined, verdict),
    disposal: settleAssetDisposal(request, undefined, verdict),
    notification: decideNotification({ refund, replacement }),
  };
}

function allRecords(request: RefundRequest): Required<TeamRecords> {
  return recordsInOrder(request, { sales: { earlierRefundOfOrder: null }, inventory: { unitsTakenOfModel: 0 } });
}

function recordsOf(teams: readonly Team[], records: Required<TeamRecords>): TeamRecords {
  return Object.fromEntries(teams.map((team) => [RECORD_OF_TEAM[team], records[RECORD_OF_TEAM[team]]]));
}

// Every combination of teams that have answered, short of all four.
const PARTIAL_ANSWERS: readonly (readonly Team[])[] = Array.from({ length: 2 ** TEAMS.length - 1 }, (_, mask) =>
  TEAMS.filter((_, index) => (mask >> index) & 1),
);

describe('Outcome of a return', () => {
  const request = aReturn({ returnId: 'R-1' });
  const records = allRecords(request);

  describe('when fewer than five teams have answered', () => {
    for (const answered of PARTIAL_ANSWERS) {
      // Without Sales' verdict no other team's record can stand yet.
      const missing = TEAMS.filter((team) => !answered.includes(team) || !answered.includes('sales'));
      const who = answered.length === 0 ? 'no team' : `only ${answered.join(', ')}`;
      it(`should have no outcome yet when ${who} answered, and name ${missing.join(', ')} as missing`, () => {
        const partial = recordsOf(answered, records);
        assert.equal(assembleOutcome('R-1', partial), null);
        assert.deepEqual(missingTeams(partial), missing);
      });
    }
  });

  describe('when all five teams have answered', () => {
    it('should assemble the five records and the verdict into the outcome and miss no team', () => {
      assert.deepEqual(assembleOutcome('R-1', records), { returnId: 'R-1', verdict: 'accepted', ...records });
      assert.deepEqual(missingTeams(records), []);
    });

    it('should be JSON-native: an outcome survives a JSON round trip unchanged', () => {
      const outcome = assembleOutcome('R-1', records);
      assert.deepEqual(JSON.parse(JSON.stringify(outcome)), outcome);
    });
  });

  describe('when a record belongs to another return', () => {
    it('should refuse to assemble it, naming both returns (a broken invariant, not a business outcome)', () => {
      const stray = { ...records, disposal: decideAssetDisposal(aReturn({ returnId: 'R-OTHER' })) };
      assert.throws(() => assembleOutcome('R-1', stray), /R-OTHER.*R-1/);
    });
  });

  describe('when describing the team records side by side', () => {
    it('should say "pending" for every team that has not answered', () => {
      assert.deepEqual(describeTeamRecords({}), {
        sales: 'pending',
        inventory: 'pending',
        manufacturing: 'pending',
        accounting: 'pending',
        'customer-care': 'pending',
      });
    });

    it('should describe the teams that answered and leave the others pending', () => {
      assert.deepEqual(describeTeamRecords(recordsOf(['sales', 'manufacturing'], records)), {
        sales: 'refund issued 799.00 EUR',
        inventory: 'pending',
        manufacturing: 'disassembly (battery) at AMS-1',
        accounting: 'pending',
        'customer-care': 'pending',
      });
    });

    for (const scenario of SAMPLE_RETURN_SCENARIOS) {
      it(`should describe ${scenario.name}`, () => {
        const { when, given } = scenario;
        const sampleRecords = recordsInOrder(when, given);
        assert.deepEqual(describeTeamRecords(sampleRecords), scenario.then);
        assert.notEqual(assembleOutcome(when.returnId, sampleRecords), null);
      });
    }
  });

  describe('when formatting money', () => {
    for (const scenario of MONEY_FORMAT_SCENARIOS) {
      it(`should write ${scenario.name} as "${scenario.text}"`, () => {
        assert.equal(formatMoney(scenario.value), scenario.text);
      });
    }
  });
});
