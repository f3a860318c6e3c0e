// The team store behind every activity, in both of its kinds: SQLite files and a real PostgreSQL server, the same
// cases for each. Its idempotent heart must hold when replicas of a team's worker race: two stores open on one
// team's table (two connections, as two workers on two hosts) record one effect per return, and a decision that
// reads other returns' records reads what no racing call can change before it writes.
import assert from 'node:assert/strict';
import { TEAM_STORES } from '../../config';
import { scopeTeamStores } from '../../traditional/teams';
import type { TeamStore, TeamTable, TeamView } from '../../traditional/team-store';
import { type TemporaryTeamStores, temporaryTeamStores } from './deployment-fixture';

interface Parcel {
  readonly returnId: string;
  readonly parcelId: string;
  readonly depot: string;
  readonly status: 'held' | 'taken' | 'backordered' | 'sent';
  readonly steps?: number;
}

type ParcelColumn = 'depot' | 'status';
type ParcelStore = TeamStore<Parcel, ParcelColumn>;

const PARCELS: TeamTable<Parcel, ParcelColumn> = {
  name: 'parcels',
  recordId: (parcel) => parcel.parcelId,
  columns: { depot: (parcel) => parcel.depot, status: (parcel) => parcel.status },
  indexes: [['depot', 'status']],
};

const parcel = (returnId: string, status: Parcel['status'] = 'held', depot = 'AMS'): Parcel => ({
  returnId,
  parcelId: `parcel:${returnId}`,
  depot,
  status,
});

// A turn of the event loop inside the decision, so racing calls interleave there if the store lets them.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const RACERS = 8;

// Two replicas with their connections made before the race: a connection made during it (the password exchange
// alone takes milliseconds) would space the racing calls out, and they would not race.
async function twoReplicas(open: () => Promise<ParcelStore>): Promise<ParcelStore[]> {
  const replicas = [await open(), await open()];
  await Promise.all(replicas.flatMap((replica) => Array.from({ length: RACERS / 2 }, () => replica.countWhere({}))));
  return replicas;
}

for (const teamStore of TEAM_STORES) {
  describe(`traditional team store (${teamStore})`, () => {
    let scope: TemporaryTeamStores;
    let opened: ParcelStore[];

    // Another store on the same team's table, as another replica of the team's worker holds one.
    const openStore = async (of: TemporaryTeamStores = scope): Promise<ParcelStore> => {
      const store = await scopeTeamStores(of.config).open('inventory', PARCELS);
      opened.push(store);
      return store;
    };

    beforeEach(() => {
      scope = temporaryTeamStores('team-store', teamStore);
      opened = [];
    });

    afterEach(async () => {
      await Promise.all(opened.map((store) => store.close()));
      await scope.remove();
    });

    describe('when a return is recorded twice', () => {
      it('should decide once and answer the second call with the first record, recorded when it was', async () => {
        const store = await openStore();
        let decisions = 0;
        const decide = () => {
          decisions += 1;
          return parcel('R-1', decisions === 1 ? 'taken' : 'backordered');
        };
        const first = await store.recordOnce('R-1', '2026-05-11T10:00:00.000Z', decide);
        const second = await store.recordOnce('R-1', '2026-05-11T10:00:01.000Z', decide);

        assert.equal(decisions, 1);
        assert.deepEqual(second, first);
        assert.deepEqual(await store.records(), [
          { record: parcel('R-1', 'taken'), recordedAt: '2026-05-11T10:00:00.000Z' },
        ]);
        assert.deepEqual(await store.recordOf('R-1'), first);
        assert.equal(await store.recordOf('R-2'), undefined);
      });
    });

    describe('when a decision fails', () => {
      it('should write nothing and decide again on the next call', async () => {
        const store = await openStore();
        await assert.rejects(
          store.recordOnce('R-1', '2026-05-11T10:00:00.000Z', async () => {
            await nextTurn();
            throw new Error('the decision failed');
          }),
          /the decision failed/,
        );
        assert.deepEqual(await store.records(), []);

        assert.deepEqual(await store.recordOnce('R-1', '2026-05-11T10:00:01.000Z', () => parcel('R-1')), parcel('R-1'));
      });

      it('should refuse a record of another return, and keep none', async () => {
        const store = await openStore();
        await assert.rejects(
          store.recordOnce('R-1', '2026-05-11T10:00:00.000Z', () => parcel('R-2')),
          /Decided a record for return R-2 while recording return R-1/,
        );
        await assert.rejects(
          store.settleOnce('R-1', '2026-05-11T10:00:00.000Z', () => parcel('R-2')),
          /Settled a record for return R-2 while recording return R-1/,
        );
        assert.deepEqual(await store.records(), []);
      });
    });

    describe('when a later step settles a return', () => {
      it('should write a changed record in place, and nothing when the record stays as it is', async () => {
        const store = await openStore();
        await store.recordOnce('R-1', '2026-05-11T10:00:00.000Z', () => parcel('R-1'));
        await store.recordOnce('R-2', '2026-05-11T10:00:01.000Z', () => parcel('R-2'));
        const send = (recorded: Parcel | undefined) => ({ ...(recorded ?? parcel('R-1')), status: 'sent' as const });

        const sent = await store.settleOnce('R-1', '2026-05-11T10:00:02.000Z', send);
        const again = await store.settleOnce('R-1', '2026-05-11T10:00:03.000Z', send);

        assert.deepEqual(again, sent);
        assert.deepEqual(await store.records(), [
          { record: parcel('R-1', 'sent'), recordedAt: '2026-05-11T10:00:02.000Z' },
          { record: parcel('R-2'), recordedAt: '2026-05-11T10:00:01.000Z' },
        ]);
      });

      it('should record the step of a return that has no record yet', async () => {
        const store = await openStore();
        const settled = await store.settleOnce('R-1', '2026-05-11T10:00:00.000Z', (recorded) =>
          recorded ? { ...recorded, status: 'sent' } : parcel('R-1', 'backordered'),
        );
        assert.deepEqual(settled, parcel('R-1', 'backordered'));
        assert.deepEqual(await store.recordOf('R-1'), settled);
      });
    });

    describe('when a decision reads other returns', () => {
      it('should find the first matching return and count by the columns given', async () => {
        const store = await openStore();
        for (const [returnId, status, depot] of [
          ['R-1', 'backordered', 'AMS'],
          ['R-2', 'taken', 'AMS'],
          ['R-3', 'taken', 'DAL'],
          ['R-4', 'taken', 'AMS'],
        ] as const) {
          await store.recordOnce(returnId, '2026-05-11T10:00:00.000Z', () => parcel(returnId, status, depot));
        }

        assert.equal(await store.firstReturnIdWhere({ depot: 'AMS', status: 'taken' }), 'R-2');
        assert.equal(await store.firstReturnIdWhere({ depot: 'MAN' }), null);
        assert.equal(await store.countWhere({ depot: 'AMS', status: 'taken' }), 2);
        assert.equal(await store.countWhere({ status: 'taken' }), 3);
        assert.equal(await store.countWhere({}), 4);
        await assert.rejects(store.countWhere({ colour: 'red' } as never), /parcels has no column colour/);
      });
    });

    describe('when the store is opened again', () => {
      it('should find its records, and a reader should see them without opening it', async () => {
        const before = await openStore();
        await before.recordOnce('R-1', '2026-05-11T10:00:00.000Z', () => parcel('R-1'));
        await before.close();

        const after = await openStore();
        assert.deepEqual(
          await after.recordOnce('R-1', '2026-05-11T10:00:01.000Z', () => parcel('R-1', 'sent')),
          parcel('R-1'),
        );
        assert.deepEqual(await scopeTeamStores(scope.config).read('inventory', PARCELS), [
          { record: parcel('R-1'), recordedAt: '2026-05-11T10:00:00.000Z' },
        ]);
      });
    });

    describe('when a scope has stored nothing yet', () => {
      it('should read no records and create nothing', async () => {
        const stores = scopeTeamStores(scope.config);
        assert.deepEqual(await stores.read('inventory', PARCELS), []);
        assert.deepEqual(await stores.existing(), []);
      });
    });

    describe('when two scopes record the same return', () => {
      it('should keep each scope to itself, and clear one without the other', async () => {
        const other = temporaryTeamStores('team-store-other', teamStore);
        try {
          await (await openStore()).recordOnce('R-1', '2026-05-11T10:00:00.000Z', () => parcel('R-1', 'taken'));
          const elsewhere = await openStore(other);
          await elsewhere.recordOnce('R-1', '2026-05-11T10:00:00.000Z', () => parcel('R-1', 'backordered'));

          assert.deepEqual(await elsewhere.recordOf('R-1'), parcel('R-1', 'backordered'));
          assert.equal((await scopeTeamStores(scope.config).existing()).length, 1);
          await Promise.all(opened.splice(0).map((store) => store.close()));
          await scopeTeamStores(other.config).deleteAll();

          assert.deepEqual(await scopeTeamStores(other.config).existing(), []);
          assert.deepEqual(await scopeTeamStores(other.config).read('inventory', PARCELS), []);
          assert.deepEqual(
            (await scopeTeamStores(scope.config).read('inventory', PARCELS)).map(({ record }) => record),
            [parcel('R-1', 'taken')],
          );
        } finally {
          await other.remove();
        }
      });
    });

    describe('when two replicas of the team race for one return', () => {
      it(`should record one effect for ${RACERS} calls of recordOnce at once`, async () => {
        const replicas = await twoReplicas(openStore);
        let decisions = 0;
        const answers = await Promise.all(
          Array.from({ length: RACERS }, (_, call) =>
            replicas[call % 2].recordOnce('R-1', `2026-05-11T10:00:0${call}.000Z`, async () => {
              decisions += 1;
              await nextTurn();
              return parcel('R-1', decisions === 1 ? 'taken' : 'backordered');
            }),
          ),
        );

        assert.equal(decisions, 1, 'one call decided; every other found its record');
        for (const answer of answers) assert.deepEqual(answer, parcel('R-1', 'taken'));
        assert.equal((await replicas[0].records()).length, 1);
      });

      it(`should settle once for ${RACERS} calls of settleOnce at once, and answer each with the settled record`, async () => {
        const replicas = await twoReplicas(openStore);
        await replicas[0].recordOnce('R-1', '2026-05-11T10:00:00.000Z', () => parcel('R-1'));
        let changes = 0;
        const answers = await Promise.all(
          Array.from({ length: RACERS }, (_, call) =>
            replicas[call % 2].settleOnce('R-1', `2026-05-11T10:00:0${call + 1}.000Z`, async (recorded) => {
              await nextTurn();
              if (recorded?.status === 'held') changes += 1;
              return { ...parcel('R-1'), status: 'sent' };
            }),
          ),
        );

        assert.equal(changes, 1, 'one call found the parcel held; every other found it sent');
        for (const answer of answers) assert.deepEqual(answer, parcel('R-1', 'sent'));
        assert.equal((await replicas[1].records()).length, 1);
      });

      it('should lose no step: each settle starts from the record the one before it wrote', async () => {
        const replicas = await twoReplicas(openStore);
        await Promise.all(
          Array.from({ length: RACERS }, (_, call) =>
            replicas[call % 2].settleOnce('R-1', `2026-05-11T10:00:0${call}.000Z`, async (recorded) => {
              await nextTurn();
              return { ...parcel('R-1'), steps: (recorded?.steps ?? 0) + 1 };
            }),
          ),
        );

        assert.equal((await replicas[0].recordOf('R-1'))?.steps, RACERS);
      });
    });

    describe('when two replicas race for the last units, one return each', () => {
      it('should let no more returns take a unit than there are units', async () => {
        const replicas = await twoReplicas(openStore);
        const unitsInStock = 2;
        const takeOrBackorder = (returnId: string) => async (view: TeamView<ParcelColumn>) => {
          const taken = await view.countWhere({ depot: 'AMS', status: 'taken' });
          await nextTurn();
          return parcel(returnId, taken < unitsInStock ? 'taken' : 'backordered');
        };
        await Promise.all(
          Array.from({ length: RACERS }, (_, call) =>
            replicas[call % 2].recordOnce(`R-${call}`, '2026-05-11T10:00:00.000Z', takeOrBackorder(`R-${call}`)),
          ),
        );

        assert.equal(await replicas[0].countWhere({ status: 'taken' }), unitsInStock);
        assert.equal(await replicas[1].countWhere({ status: 'backordered' }), RACERS - unitsInStock);
      });
    });
  });
}
