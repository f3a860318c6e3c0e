// The outcomes the sample returns must have, stated as the business decisions they are.
import { type Diagnosis, type Money, type OrderRefund, type RefundRequest, type ReturnOutcome } from '../../../domain';
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
