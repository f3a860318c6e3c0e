// The outcomes the sample returns must have, stated as the business decisions they are, plus the outcome of a
// return nothing earlier interferes with (a fresh order, a model in stock), decided by the shared domain.
import {
  assembleOutcome,
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideOrderRefund,
  decideReplacementShipment,
  type Diagnosis,
  type Money,
  type OrderRefund,
  type RefundRequest,
  type ReturnOutcome,
} from '../../../domain';
import { SAMPLE_RETURNS } from '../../../samples/sample-returns';

interface Decisions {
  readonly refund: Pick<OrderRefund, 'status' | 'refundedAmount' | 'rejectionReason' | 'refundedByReturnId'>;
  readonly replacement: 'shipped' | 'backordered';
  readonly diagnosis: Diagnosis;
  readonly costCentre: string;
  readonly disposal: Money;
}

export function sample(returnId: string): RefundRequest {
  const request = SAMPLE_RETURNS.find((candidate) => candidate.returnId === returnId);
  if (!request) throw new Error(`No sample return ${returnId}`);
  return request;
}

export function sampleOutcome(returnId: string, decisions: Decisions): ReturnOutcome {
  const request = sample(returnId);
  return {
    returnId,
    refund: { refundId: `refund:${returnId}`, returnId, orderId: request.order.orderId, ...decisions.refund },
    replacement: {
      shipmentId: `shipment:${returnId}`,
      returnId,
      modelId: request.model.modelId,
      shipTo: request.shipment.shipTo,
      status: decisions.replacement,
    },
    disassembly: {
      disassemblyOrderId: `disassembly:${returnId}`,
      returnId,
      serialNumber: request.defectiveItem.serialNumber,
      siteId: request.location.siteId,
      diagnosis: decisions.diagnosis,
    },
    disposal: {
      disposalId: `disposal:${returnId}`,
      returnId,
      serialNumber: request.defectiveItem.serialNumber,
      costCentre: decisions.costCentre,
      amount: decisions.disposal,
    },
  };
}

export function outcomeOnItsOwn(request: RefundRequest): ReturnOutcome {
  const outcome = assembleOutcome(request.returnId, {
    refund: decideOrderRefund(request, { earlierRefundOfOrder: null }),
    replacement: decideReplacementShipment(request, { unitsShippedOfModel: 0 }),
    disassembly: decideDisassemblyOrder(request),
    disposal: decideAssetDisposal(request),
  });
  if (!outcome) throw new Error('all four records were given');
  return outcome;
}
