// The four teams' activities over temporary SQLite databases, with no Temporal server: a duplicate delivery or a
// retry must change nothing, and each team decides from its own records only.
import assert from 'node:assert/strict';
import { type RefundRequest, type Team, TEAMS } from '../../domain';
import { createTeamActivities, openTeamStore, readTeamRecords } from '../../traditional/teams';
import { aReturn } from '../fixtures/domain-scenarios';
import { temporaryDataDir } from './deployment-fixture';

const CLOCK_START = Date.parse('2026-05-11T10:00:00Z');

// A clock that ticks a second per reading, so a second call would be told apart by its recordedAt.
function tickingClock(): () => Date {
  let ticks = 0;
  return () => new Date(CLOCK_START + 1000 * ticks++);
}

// The seed's verbs, one per team: the names the workflow calls.
const ACTIVITY_OF_TEAM: Readonly<Record<Team, string>> = {
  sales: 'createOrderRefundRequest',
  inventory: 'createShipmentRequest',
  manufacturing: 'registerDisassemblyOrder',
  accounting: 'chargeAssetDisposal',
};

interface TeamUnderTest {
  call(request: RefundRequest): Promise<unknown>;
  close(): void;
}

// One team's activity over its own store, as its worker would run it.
function teamOver(location: { dataDir: string; scope: string }, team: Team, clock = tickingClock()): TeamUnderTest {
  const store = openTeamStore(location, team);
  const activities = createTeamActivities(team, { store, clock }) as unknown as Record<
    string,
    (request: RefundRequest) => Promise<unknown>
  >;
  const activity = activities[ACTIVITY_OF_TEAM[team]];
  assert.equal(typeof activity, 'function', `${team} has no activity ${ACTIVITY_OF_TEAM[team]}`);
  return { call: (request) => activity(request), close: () => store.close() };
}

describe('traditional activities (no server)', () => {
  let data: ReturnType<typeof temporaryDataDir>;
  let location: { dataDir: string; scope: string };
  let open: TeamUnderTest[];

  const team = (name: Team, clock?: () => Date): TeamUnderTest => {
    const opened = teamOver(location, name, clock);
    open.push(opened);
    return opened;
  };

  beforeEach(() => {
    data = temporaryDataDir('activities');
    location = { dataDir: data.dir, scope: 'unit' };
    open = [];
  });

  afterEach(() => {
    for (const opened of open) opened.close();
    data.remove();
  });

  for (const name of TEAMS) {
    describe(`when ${ACTIVITY_OF_TEAM[name]} (${name}) is delivered twice for one return`, () => {
      it('should keep one record and answer both calls with it, unchanged', async () => {
        const activity = team(name);
        const first = await activity.call(aReturn({ returnId: 'R-1' }));
        const second = await activity.call(aReturn({ returnId: 'R-1' }));

        assert.deepEqual(second, first);
        const records = readTeamRecords(location, name);
        assert.equal(records.length, 1);
        assert.deepEqual(records[0].record, first);
        assert.equal(
          records[0].recordedAt,
          '2026-05-11T10:00:00.000Z',
          'the first call recorded it; the second did not',
        );
      });

      it('should keep one record when two workers of the team take the two deliveries', async () => {
        const [one, other] = [team(name), team(name)];
        const answers = await Promise.all([
          one.call(aReturn({ returnId: 'R-1' })),
          other.call(aReturn({ returnId: 'R-1' })),
        ]);

        assert.deepEqual(answers[1], answers[0]);
        assert.equal(readTeamRecords(location, name).length, 1);
      });

      it('should answer from the record after the team restarts, without deciding again', async () => {
        const before = team(name);
        const first = await before.call(aReturn({ returnId: 'R-1' }));
        before.close();

        const after = team(name);
        assert.deepEqual(await after.call(aReturn({ returnId: 'R-1' })), first);
        assert.equal(readTeamRecords(location, name).length, 1);
      });
    });
  }

  describe(`when ${ACTIVITY_OF_TEAM.sales} sees an order another return already had refunded`, () => {
    it('should reject the second return as already refunded, naming the first', async () => {
      const sales = team('sales');
      await sales.call(aReturn({ returnId: 'R-1', orderId: 'O-1' }));
      const second = await sales.call(aReturn({ returnId: 'R-2', orderId: 'O-1' }));

      assert.deepEqual(second, {
        refundId: 'refund:R-2',
        returnId: 'R-2',
        orderId: 'O-1',
        status: 'rejected',
        refundedAmount: { amountCents: 0, currency: 'EUR' },
        rejectionReason: 'order-already-refunded',
        refundedByReturnId: 'R-1',
      });
    });

    it('should still refund the order when the earlier return was rejected, since nothing was refunded', async () => {
      const sales = team('sales');
      await sales.call(aReturn({ returnId: 'R-1', orderId: 'O-1', requestedAt: '2026-06-15T10:00:00.000Z' }));
      const second = (await sales.call(aReturn({ returnId: 'R-2', orderId: 'O-1' }))) as { status: string };

      assert.equal(second.status, 'issued');
    });

    it('should answer a retry of the first return with its issued refund, not reject it as already refunded', async () => {
      const sales = team('sales');
      const first = await sales.call(aReturn({ returnId: 'R-1', orderId: 'O-1' }));
      await sales.call(aReturn({ returnId: 'R-2', orderId: 'O-1' }));

      assert.deepEqual(await sales.call(aReturn({ returnId: 'R-1', orderId: 'O-1' })), first);
    });
  });

  describe(`when ${ACTIVITY_OF_TEAM.inventory} ships the last unit of a model`, () => {
    it('should backorder the next return of that model but answer a retry of the first as shipped', async () => {
      const inventory = team('inventory');
      const first = (await inventory.call(aReturn({ returnId: 'R-1', modelId: 'WATCH-W1' }))) as { status: string };
      const second = (await inventory.call(aReturn({ returnId: 'R-2', modelId: 'WATCH-W1' }))) as { status: string };
      const retried = (await inventory.call(aReturn({ returnId: 'R-1', modelId: 'WATCH-W1' }))) as { status: string };

      assert.deepEqual([first.status, second.status, retried.status], ['shipped', 'backordered', 'shipped']);
      assert.equal(readTeamRecords(location, 'inventory').length, 2);
    });

    it('should count only its own shipments of that model, not other models or backorders', async () => {
      const inventory = team('inventory');
      await inventory.call(aReturn({ returnId: 'R-1', modelId: 'PHONE-X0' }));
      await inventory.call(aReturn({ returnId: 'R-2', modelId: 'PHONE-X1' }));
      const watch = (await inventory.call(aReturn({ returnId: 'R-3', modelId: 'WATCH-W1' }))) as { status: string };

      assert.equal(watch.status, 'shipped');
    });
  });

  describe('when two teams record the same return', () => {
    it('should keep each team in its own database file', async () => {
      await team('sales').call(aReturn({ returnId: 'R-1' }));

      assert.equal(readTeamRecords(location, 'sales').length, 1);
      assert.deepEqual(readTeamRecords(location, 'accounting'), []);
    });
  });
});
