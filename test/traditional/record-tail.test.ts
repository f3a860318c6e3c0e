// The live feed of the traditional model's team stores, over real SQLite files and a real PostgreSQL database, with
// no Temporal server: a team is reported once its record stands, by the rule the choreography's projection uses, not when its first record
// lands. A unit held for a return that is then refused stands only once it is released: a return of the same
// model handed over before that would find the unit still taken.
import assert from 'node:assert/strict';
import { TEAM_STORES } from '../../config';
import type { Team, Verdict } from '../../domain';
import { waitFor } from '../../model/wait-for';
import { RecordTail } from '../../traditional/record-tail';
import {
  createTeamActivities,
  type InventoryActivities,
  openTeamStore,
  type SalesActivities,
} from '../../traditional/teams';
import type { InventoryStore } from '../../traditional/teams/inventory.activities';
import type { SalesStore } from '../../traditional/teams/sales.activities';
import { aReturn } from '../fixtures/domain-scenarios';
import { temporaryTeamStores } from './deployment-fixture';

const clock = () => new Date('2026-06-20T10:00:00Z');
const REFUSED: Verdict = { kind: 'refused', reason: 'outside-return-window', refundedByReturnId: null };

for (const teamStore of TEAM_STORES)
  describe(`traditional: the live feed of the team stores (${teamStore})`, () => {
    const stores = temporaryTeamStores('record-tail', teamStore);
    const reported: { returnId: string; team: Team }[] = [];
    const teamsReported = (returnId: string) =>
      reported.filter((report) => report.returnId === returnId).map(({ team }) => team);
    let salesStore: SalesStore;
    let inventoryStore: InventoryStore;
    let sales: SalesActivities;
    let inventory: InventoryActivities;
    let tail: RecordTail;
    let stop: () => void;

    before(async () => {
      salesStore = await openTeamStore(stores.config, 'sales');
      inventoryStore = await openTeamStore(stores.config, 'inventory');
      sales = createTeamActivities('sales', { store: salesStore, clock });
      inventory = createTeamActivities('inventory', { store: inventoryStore, clock });
      tail = new RecordTail(stores.config);
      stop = tail.listen((returnId, team) => reported.push({ returnId, team }));
    });

    after(async () => {
      stop();
      await tail?.close();
      await salesStore?.close();
      await inventoryStore?.close();
      await stores.remove();
    });

    describe('given a unit held for a return that Sales then refuses', () => {
      const late = aReturn({ returnId: 'R-LATE', orderId: 'O-LATE', requestedAt: '2026-06-20T10:00:00.000Z' });

      before(async () => {
        const held = await inventory.holdReplacement(late);
        assert.equal(held.status, 'held');
        const refund = await sales.createOrderRefundRequest(late);
        assert.equal(refund.status, 'rejected');
        await waitFor("Sales' refusal of R-LATE in the feed", () => teamsReported('R-LATE').includes('sales'));
      });

      it('should report Sales, and not Inventory while the unit is still held', () => {
        // The poll that reported Sales read Inventory's hold too: it was stored first.
        assert.deepEqual(teamsReported('R-LATE'), ['sales']);
      });

      it('should report Inventory once, when the unit goes back to stock', async () => {
        const released = await inventory.releaseReplacement(late, REFUSED);
        assert.equal(released.status, 'cancelled');
        await waitFor("Inventory's release of R-LATE in the feed", () => teamsReported('R-LATE').includes('inventory'));
        await inventory.releaseReplacement(late, REFUSED);
        const again = aReturn({ returnId: 'R-NEXT', orderId: 'O-NEXT' });
        await sales.createOrderRefundRequest(again);
        await waitFor('R-NEXT in the feed, a poll after the release was repeated', () =>
          teamsReported('R-NEXT').includes('sales'),
        );
        assert.deepEqual(teamsReported('R-LATE'), ['sales', 'inventory']);
      });
    });

    describe('given a listener that comes after the records stand', () => {
      it('should be told what stands already', async () => {
        const told: string[] = [];
        const stopLate = tail.listen((returnId, team) => told.push(`${returnId} ${team}`));
        stopLate();
        assert.ok(told.includes('R-LATE inventory'), told.join(', '));
      });
    });
  });
