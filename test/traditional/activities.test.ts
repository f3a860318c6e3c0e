// The teams' activities over temporary stores of either kind, SQLite files and a PostgreSQL schema, with no Temporal
// server: a duplicate delivery or a retry must change nothing, and each team decides from its own records only.
import assert from 'node:assert/strict';
import { type Config, TEAM_STORES } from '../../config';
import { recordsOnItsOwn, type RefundRequest, type SettledReturn, type Team, TEAMS, type Verdict } from '../../domain';
import { createTeamActivities, openTeamStore, readTeamRecords } from '../../traditional/teams';
import { aReturn } from '../fixtures/domain-scenarios';
import { type TemporaryTeamStores, temporaryTeamStores } from './deployment-fixture';

const CLOCK_START = Date.parse('2026-05-11T10:00:00Z');

// A clock that ticks a second per reading, so a second call would be told apart by its recordedAt.
function tickingClock(): () => Date {
  let ticks = 0;
  return () => new Date(CLOCK_START + 1000 * ticks++);
}

// The seed's verbs, one per team, and Customer Care's: the names the workflow calls, with what it passes.
const ACTIVITY_OF_TEAM: Readonly<Record<Team, string>> = {
  sales: 'createOrderRefundRequest',
  inventory: 'createShipmentRequest',
  manufacturing: 'registerDisassemblyOrder',
  accounting: 'chargeAssetDisposal',
  'customer-care': 'notifyCustomer',
};

// Customer Care is called with the records that stand, not the request.
function argumentsOf(team: Team, request: RefundRequest): unknown[] {
  if (team !== 'customer-care') return [request];
  const { refund, replacement } = recordsOnItsOwn(request) as unknown as SettledReturn;
  return [{ refund, replacement }];
}

const REFUSED: Verdict = { kind: 'refused', reason: 'outside-return-window', refundedByReturnId: null };

interface TeamUnderTest {
  call(request: RefundRequest): Promise<unknown>;
  // Any of the team's activities, by name, with the request and the verdict when it takes one.
  callNamed(name: string, request: RefundRequest, verdict?: Verdict): Promise<unknown>;
  close(): Promise<void>;
}

// One team's activities over its own store, as its worker would run them; the store opens before the first call.
function teamOver(location: Config, team: Team, clock = tickingClock()): TeamUnderTest {
  const opened = openTeamStore(location, team);
  const activities = opened.then(
    (store) =>
      createTeamActivities(team, { store, clock }) as unknown as Record<
        string,
        (...args: unknown[]) => Promise<unknown>
      >,
  );
  const named = async (name: string) => {
    const all = await activities;
    assert.equal(typeof all[name], 'function', `${team} has no activity ${name}`);
    return all[name];
  };
  return {
    call: async (request) => (await named(ACTIVITY_OF_TEAM[team]))(...argumentsOf(team, request)),
    callNamed: async (name, request, verdict) => (await named(name))(request, verdict),
    close: async () => (await opened).close(),
  };
}

for (const teamStore of TEAM_STORES)
  describe(`traditional activities over the ${teamStore} store (no Temporal server)`, () => {
    let stores: TemporaryTeamStores;
    let location: Config;
    let open: TeamUnderTest[];

    const team = (name: Team, clock?: () => Date): TeamUnderTest => {
      const opened = teamOver(location, name, clock);
      open.push(opened);
      return opened;
    };

    beforeEach(() => {
      stores = temporaryTeamStores('activities', teamStore);
      location = stores.config;
      open = [];
    });

    afterEach(async () => {
      await Promise.all(open.map((opened) => opened.close()));
      await stores.remove();
    });

    for (const name of TEAMS) {
      describe(`when ${ACTIVITY_OF_TEAM[name]} (${name}) is delivered twice for one return`, () => {
        it('should keep one record and answer both calls with it, unchanged', async () => {
          const activity = team(name);
          const first = await activity.call(aReturn({ returnId: 'R-1' }));
          const second = await activity.call(aReturn({ returnId: 'R-1' }));

          assert.deepEqual(second, first);
          const records = await readTeamRecords(location, name);
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
          assert.equal((await readTeamRecords(location, name)).length, 1);
        });

        it('should answer from the record after the team restarts, without deciding again', async () => {
          const before = team(name);
          const first = await before.call(aReturn({ returnId: 'R-1' }));
          await before.close();

          const after = team(name);
          assert.deepEqual(await after.call(aReturn({ returnId: 'R-1' })), first);
          assert.equal((await readTeamRecords(location, name)).length, 1);
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
        assert.equal((await readTeamRecords(location, 'inventory')).length, 2);
      });

      it('should count only its own shipments of that model, not other models or backorders', async () => {
        const inventory = team('inventory');
        await inventory.call(aReturn({ returnId: 'R-1', modelId: 'PHONE-X0' }));
        await inventory.call(aReturn({ returnId: 'R-2', modelId: 'PHONE-X1' }));
        const watch = (await inventory.call(aReturn({ returnId: 'R-3', modelId: 'WATCH-W1' }))) as { status: string };

        assert.equal(watch.status, 'shipped');
      });
    });

    describe('when the saga compensates a refused return', () => {
      it('should release a held unit once, however often the release is delivered, and give it back to stock', async () => {
        const inventory = team('inventory');
        const watch = (returnId: string) => aReturn({ returnId, orderId: `O-${returnId}`, modelId: 'WATCH-W1' });
        const held = (await inventory.callNamed('holdReplacement', watch('R-1'))) as { status: string };
        const released = await inventory.callNamed('releaseReplacement', watch('R-1'), REFUSED);
        const again = await inventory.callNamed('releaseReplacement', watch('R-1'), REFUSED);
        const next = (await inventory.callNamed('holdReplacement', watch('R-2'))) as { status: string };

        assert.equal(held.status, 'held');
        assert.deepEqual(again, released);
        assert.equal((released as { status: string }).status, 'cancelled');
        assert.equal(next.status, 'held', 'the released unit is in stock again');
        const [first] = await readTeamRecords(location, 'inventory');
        assert.equal(first.recordedAt, '2026-05-11T10:00:01.000Z', 'the second release wrote nothing');
      });

      it('should hold no unit while the model has none left, and backorder instead', async () => {
        const inventory = team('inventory');
        await inventory.callNamed('holdReplacement', aReturn({ returnId: 'R-1', modelId: 'WATCH-W1' }));
        const second = (await inventory.callNamed(
          'holdReplacement',
          aReturn({ returnId: 'R-2', modelId: 'WATCH-W1' }),
        )) as {
          status: string;
        };
        assert.equal(second.status, 'backordered');
      });

      it('should reverse a charge and cancel an order once each, however often delivered', async () => {
        const accounting = team('accounting');
        const manufacturing = team('manufacturing');
        const request = aReturn({ returnId: 'R-1' });
        await accounting.call(request);
        await manufacturing.call(request);
        const reversed = await accounting.callNamed('reverseAssetDisposal', request, REFUSED);
        const cancelled = await manufacturing.callNamed('cancelDisassemblyOrder', request, REFUSED);

        assert.deepEqual(await accounting.callNamed('reverseAssetDisposal', request, REFUSED), reversed);
        assert.deepEqual(await manufacturing.callNamed('cancelDisassemblyOrder', request, REFUSED), cancelled);
        assert.equal((reversed as { status: string }).status, 'not-charged');
        assert.equal((cancelled as { status: string }).status, 'unit-returned');
        assert.equal((await readTeamRecords(location, 'accounting')).length, 1);
        assert.equal((await readTeamRecords(location, 'manufacturing')).length, 1);
      });
    });

    describe('when two teams record the same return', () => {
      it('should keep each team in its own table', async () => {
        await team('sales').call(aReturn({ returnId: 'R-1' }));

        assert.equal((await readTeamRecords(location, 'sales')).length, 1);
        assert.deepEqual(await readTeamRecords(location, 'accounting'), []);
      });
    });
  });
