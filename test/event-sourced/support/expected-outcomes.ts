// The outcomes the sample returns must have, stated as the business decisions they are.
import {
  decideNotification,
  type Diagnosis,
  type DisassemblyStatus,
  type DisposalStatus,
  type Money,
  type OrderRefund,
  type RefundRequest,
  type ReplacementShipment,
  type ReturnOutcome,
  type ShipmentStatus,
} from '../../../domain';
import { SAMPLE_RETURNS } from '../../../samples/sample-returns';

interface Decisions {
  readonly refund: Pick<OrderRefund, 'status' | 'refundedAmount' | 'rejectionReason' | 'refundedByReturnId'>;
  readonly replacement: ShipmentStatus;
  readonly diagnosis: Diagnosis;
  readonly disassembly: DisassemblyStatus;
  readonly costCentre: string;
  readonly disposal: { readonly status: DisposalStatus; readonly amount: Money };
}

export function sample(returnId: string): RefundRequest {
  const request = SAMPLE_RETURNS.find((candidate) => candidate.returnId === returnId);
  if (!request) throw new Error(`No sample return ${returnId}`);
  return request;
}

export function sampleOutcome(returnId: string, decisions: Decisions): ReturnOutcome {
  const request = sample(returnId);
  const refund: OrderRefund = {
    refundId: `refund:${returnId}`,
    returnId,
    orderId: request.order.orderId,
    ...decisions.refund,
  };
  const replacement: ReplacementShipment = {
    shipmentId: `shipment:${returnId}`,
    returnId,
    modelId: request.model.modelId,
    shipTo: request.shipment.shipTo,
    status: decisions.replacement,
  };
  return {
    returnId,
    verdict: refund.status === 'issued' ? 'accepted' : 'refused',
    refund,
    replacement,
    disassembly: {
      disassemblyOrderId: `disassembly:${returnId}`,
      returnId,
      serialNumber: request.defectiveItem.serialNumber,
      siteId: request.location.siteId,
      diagnosis: decisions.diagnosis,
      status: decisions.disassembly,
    },
    disposal: {
      disposalId: `disposal:${returnId}`,
      returnId,
      serialNumber: request.defectiveItem.serialNumber,
      costCentre: decisions.costCentre,
      ...decisions.disposal,
    },
    // Its wording is the domain's; what it says is checked apart, by the sample test.
    notification: decideNotification({ refund, replacement }),
  };
}
