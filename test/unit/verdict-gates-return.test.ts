// The rules of the changed process, given/when/then: Sales' verdict gates what Inventory, Manufacturing and
// Accounting leave standing, and Customer Care tells the customer once everything stands.
import assert from 'node:assert/strict';
import {
  assembleOutcome,
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideNotification,
  decideOrderRefund,
  holdReplacement,
  initialStockOf,
  missingTeams,
  type RefundRequest,
  type ReplacementShipment,
  settleAssetDisposal,
  settleDisassembly,
  settleReplacement,
  takesStock,
  teamsAwaitingUndo,
  type Verdict,
  verdictOf,
} from '../../domain';
import { aReturn, eur } from '../fixtures/domain-scenarios';

const LATE = '2026-06-15T10:00:00.000Z';
const ACCEPTED: Verdict = { kind: 'accepted' };
const OUTSIDE_WINDOW: Verdict = { kind: 'refused', reason: 'outside-return-window', refundedByReturnId: null };

// Inventory's own records, as either model keeps them: each return's latest record, from which stock is counted.
class InventoryLedger {
  private readonly records = new Map<string, ReplacementShipment>();

  unitsTaken(modelId: string): number {
    return [...this.records.values()].filter((shipment) => shipment.modelId === modelId && takesStock(shipment.status))
      .length;
  }

  hold(request: RefundRequest): ReplacementShipment {
    return this.keep(holdReplacement(request, { unitsTakenOfModel: this.unitsTaken(request.model.modelId) }));
  }

  settle(request: RefundRequest, verdict: Verdict): ReplacementShipment {
    const view = { unitsTakenOfModel: this.unitsTaken(request.model.modelId) };
    return this.keep(settleReplacement(request, this.records.get(request.returnId), verdict, view));
  }

  private keep(shipment: ReplacementShipment): ReplacementShipment {
    this.records.set(shipment.returnId, shipment);
    // The invariant of the change: shipped plus held units of a model never exceed its stock.
    assert.ok(this.unitsTaken(shipment.modelId) <= initialStockOf(shipment.modelId), 'more units taken than stock');
    return shipment;
  }
}

const watch = (returnId: string) => aReturn({ returnId, orderId: `O-${returnId}`, modelId: 'WATCH-W1' });

describe('The verdict gates the return', () => {
  describe('Inventory', () => {
    it('given a unit in stock, when it hears of a return, then it holds one unit and takes it from stock', () => {
      const ledger = new InventoryLedger();
      assert.equal(ledger.hold(watch('R-1')).status, 'held');
      assert.equal(ledger.unitsTaken('WATCH-W1'), 1);
    });

    it('given a held unit, when the return is accepted, then the held unit ships', () => {
      const ledger = new InventoryLedger();
      ledger.hold(watch('R-1'));
      assert.equal(ledger.settle(watch('R-1'), ACCEPTED).status, 'shipped');
      assert.equal(ledger.unitsTaken('WATCH-W1'), 1);
    });

    it('given a held unit, when the return is refused, then nothing ships and the unit goes back to stock', () => {
      const ledger = new InventoryLedger();
      ledger.hold(watch('R-1'));
      assert.equal(ledger.settle(watch('R-1'), OUTSIDE_WINDOW).status, 'cancelled');
      assert.equal(ledger.unitsTaken('WATCH-W1'), 0);
    });

    it('given the last unit held by a return, when another return comes, then that one is backordered', () => {
      const ledger = new InventoryLedger();
      ledger.hold(watch('R-1'));
      assert.equal(ledger.hold(watch('R-2')).status, 'backordered');
    });

    it('given the last unit held by a return that is then refused while another waits, then the unit is back for the next return, and the backorder stands', () => {
      const ledger = new InventoryLedger();
      ledger.hold(watch('R-1'));
      ledger.hold(watch('R-2'));
      ledger.settle(watch('R-1'), OUTSIDE_WINDOW);
      assert.equal(ledger.settle(watch('R-2'), ACCEPTED).status, 'backordered');
      assert.equal(ledger.unitsTaken('WATCH-W1'), 0);
      assert.equal(ledger.hold(watch('R-3')).status, 'held');
      assert.equal(ledger.settle(watch('R-3'), ACCEPTED).status, 'shipped');
    });

    it('given a shipped unit, when a later return is refused, then the shipment stands and nothing more is taken', () => {
      const ledger = new InventoryLedger();
      ledger.hold(watch('R-1'));
      ledger.settle(watch('R-1'), ACCEPTED);
      ledger.hold(watch('R-2'));
      assert.equal(ledger.settle(watch('R-2'), OUTSIDE_WINDOW).status, 'cancelled');
      assert.equal(ledger.unitsTaken('WATCH-W1'), 1);
    });

    it('given a backorder, when the return is refused, then the backorder is dropped', () => {
      const ledger = new InventoryLedger();
      const discontinued = aReturn({ modelId: 'PHONE-X0' });
      assert.equal(ledger.hold(discontinued).status, 'backordered');
      assert.equal(ledger.settle(discontinued, OUTSIDE_WINDOW).status, 'cancelled');
    });

    it('given nothing held (the verdict came first), when accepted, then a unit ships at once while in stock', () => {
      const ledger = new InventoryLedger();
      assert.equal(ledger.settle(watch('R-1'), ACCEPTED).status, 'shipped');
      assert.equal(ledger.settle(watch('R-2'), ACCEPTED).status, 'backordered');
    });

    it('given a settled replacement, when it is settled again, then it is unchanged', () => {
      const ledger = new InventoryLedger();
      ledger.hold(watch('R-1'));
      const shipped = ledger.settle(watch('R-1'), ACCEPTED);
      assert.deepEqual(ledger.settle(watch('R-1'), ACCEPTED), shipped);
      assert.equal(ledger.unitsTaken('WATCH-W1'), 1);
    });
  });

  describe('Manufacturing and Accounting', () => {
    const request = aReturn({ returnId: 'R-5', requestedAt: LATE });

    it('given a registered order, when the return is refused, then no order stands and the unit goes back', () => {
      const settled = settleDisassembly(request, decideDisassemblyOrder(request), OUTSIDE_WINDOW);
      assert.equal(settled.status, 'unit-returned');
      assert.equal(settled.disassemblyOrderId, 'disassembly:R-5');
    });

    it('given a registered order, when the return is accepted, then the order stands unchanged', () => {
      const ordered = decideDisassemblyOrder(request);
      assert.deepEqual(settleDisassembly(request, ordered, ACCEPTED), ordered);
    });

    it('given a charge, when the return is refused, then no charge stands: the amount is zero', () => {
      const settled = settleAssetDisposal(request, decideAssetDisposal(request), OUTSIDE_WINDOW);
      assert.equal(settled.status, 'not-charged');
      assert.deepEqual(settled.amount, eur(0));
    });

    it('given no charge yet, then the record that stands is the same as after a reversal', () => {
      const reversed = settleAssetDisposal(request, decideAssetDisposal(request), OUTSIDE_WINDOW);
      assert.deepEqual(settleAssetDisposal(request, undefined, OUTSIDE_WINDOW), reversed);
    });
  });

  describe('the outcome', () => {
    const late = aReturn({ returnId: 'R-6', requestedAt: LATE });
    const refund = decideOrderRefund(late, { earlierRefundOfOrder: null });
    const verdict = verdictOf(refund);
    const replacement = settleReplacement(late, holdReplacement(late, { unitsTakenOfModel: 0 }), verdict, {
      unitsTakenOfModel: 1,
    });
    const disassembly = settleDisassembly(late, decideDisassemblyOrder(late), verdict);
    const disposal = settleAssetDisposal(late, decideAssetDisposal(late), verdict);

    it('given a refused return with a unit still held, then it has not settled, and Inventory is what it waits for', () => {
      const held = holdReplacement(late, { unitsTakenOfModel: 0 });
      const records = { refund, replacement: held, disassembly, disposal };
      assert.equal(assembleOutcome('R-6', records), null);
      assert.deepEqual(missingTeams(records), ['inventory', 'customer-care']);
    });

    it('given a refusal the teams have not all undone yet, then it names those with something still standing', () => {
      const held = holdReplacement(late, { unitsTakenOfModel: 0 });
      const ordered = decideDisassemblyOrder(late);
      assert.deepEqual(teamsAwaitingUndo({ refund, replacement: held, disassembly: ordered, disposal }), [
        'inventory',
        'manufacturing',
      ]);
      // A team that has not acted has nothing to undo; once each has undone, none is named.
      assert.deepEqual(teamsAwaitingUndo({ refund, disassembly: ordered }), ['manufacturing']);
      assert.deepEqual(teamsAwaitingUndo({ refund, replacement, disassembly, disposal }), []);
    });

    it('given no verdict yet, or an acceptance, then no team has anything to undo', () => {
      const held = holdReplacement(late, { unitsTakenOfModel: 0 });
      assert.deepEqual(teamsAwaitingUndo({ replacement: held, disposal: decideAssetDisposal(late) }), []);
      const onTime = aReturn({ returnId: 'R-11' });
      const issued = decideOrderRefund(onTime, { earlierRefundOfOrder: null });
      const heldOnTime = holdReplacement(onTime, { unitsTakenOfModel: 0 });
      assert.deepEqual(teamsAwaitingUndo({ refund: issued, replacement: heldOnTime }), []);
    });

    it('given a refused return that settled, then the outcome says refused and nothing stands', () => {
      const notification = decideNotification({ refund, replacement });
      const outcome = assembleOutcome('R-6', { refund, replacement, disassembly, disposal, notification });
      assert.equal(outcome?.verdict, 'refused');
      assert.equal(outcome?.replacement.status, 'cancelled');
      assert.equal(outcome?.disassembly.status, 'unit-returned');
      assert.equal(outcome?.disposal.status, 'not-charged');
    });
  });

  describe('Customer Care', () => {
    it('given an accepted return with a shipped replacement, then it tells the amount and that it shipped', () => {
      const request = aReturn({ returnId: 'R-7' });
      const refund = decideOrderRefund(request, { earlierRefundOfOrder: null });
      const replacement = settleReplacement(request, undefined, ACCEPTED, { unitsTakenOfModel: 0 });
      assert.deepEqual(decideNotification({ refund, replacement }), {
        notificationId: 'notification:R-7',
        returnId: 'R-7',
        recipient: request.shipment.shipTo.recipient,
        verdict: 'accepted',
        refundedAmount: eur(79900),
        replacement: 'shipped',
        refusalReason: null,
        message: 'Your return R-7 is accepted: 799.00 EUR refunded, and your replacement PHONE-X1 has shipped.',
      });
    });

    it('given an accepted return whose replacement is backordered, then it says so', () => {
      const request = aReturn({ returnId: 'R-8', modelId: 'PHONE-X0' });
      const refund = decideOrderRefund(request, { earlierRefundOfOrder: null });
      const replacement = settleReplacement(request, undefined, ACCEPTED, { unitsTakenOfModel: 0 });
      const notification = decideNotification({ refund, replacement });
      assert.equal(notification.replacement, 'backordered');
      assert.match(notification.message, /PHONE-X0 is backordered\.$/);
    });

    it('given a return refused as a second return of a refunded order, then it gives that reason and no amount', () => {
      const request = aReturn({ returnId: 'R-9', orderId: 'O-9' });
      const refund = decideOrderRefund(request, { earlierRefundOfOrder: 'R-2' });
      const replacement = settleReplacement(request, undefined, verdictOf(refund), { unitsTakenOfModel: 0 });
      const notification = decideNotification({ refund, replacement });
      assert.equal(notification.verdict, 'refused');
      assert.equal(notification.refusalReason, 'order-already-refunded');
      assert.equal(notification.refundedAmount, null);
      assert.equal(
        notification.message,
        'Your return R-9 is refused: order O-9 was already refunded by return R-2. No replacement is sent.',
      );
    });

    it('given an accepted return whose replacement is still held, then it refuses to tell the customer yet', () => {
      const request = aReturn({ returnId: 'R-10' });
      const refund = decideOrderRefund(request, { earlierRefundOfOrder: null });
      const held = holdReplacement(request, { unitsTakenOfModel: 0 });
      assert.throws(() => decideNotification({ refund, replacement: held }), /replacement is held/);
    });
  });
});
