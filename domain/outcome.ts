// The combined result of the four teams for one return: the value both models must produce identically.
import type { Money } from './money';
import type { AssetDisposal, DisassemblyOrder, OrderRefund, ReplacementShipment, Team } from './teams';

// No wall-clock times in here: when each team acted belongs to the audit trail, not to the outcome.
export interface ReturnOutcome {
  readonly returnId: string;
  readonly refund: OrderRefund;
  readonly replacement: ReplacementShipment;
  readonly disassembly: DisassemblyOrder;
  readonly disposal: AssetDisposal;
}

export interface TeamRecords {
  readonly refund?: OrderRefund;
  readonly replacement?: ReplacementShipment;
  readonly disassembly?: DisassemblyOrder;
  readonly disposal?: AssetDisposal;
}

// Where each team's record sits in a return's TeamRecords and ReturnOutcome.
export const RECORD_OF_TEAM = {
  sales: 'refund',
  inventory: 'replacement',
  manufacturing: 'disassembly',
  accounting: 'disposal',
} as const satisfies Record<Team, keyof TeamRecords>;

export function missingTeams(records: TeamRecords): Team[] {
  const missing: Team[] = [];
  if (!records.refund) missing.push('sales');
  if (!records.replacement) missing.push('inventory');
  if (!records.disassembly) missing.push('manufacturing');
  if (!records.disposal) missing.push('accounting');
  return missing;
}

// A return is complete when all four teams have answered; until then there is no outcome.
export function assembleOutcome(returnId: string, records: TeamRecords): ReturnOutcome | null {
  const { refund, replacement, disassembly, disposal } = records;
  if (!refund || !replacement || !disassembly || !disposal) return null;
  for (const record of [refund, replacement, disassembly, disposal]) {
    if (record.returnId !== returnId) {
      throw new Error(`Record for return ${record.returnId} was assembled into return ${returnId}`);
    }
  }
  return { returnId, refund, replacement, disassembly, disposal };
}

export function formatMoney(value: Money): string {
  const sign = value.amountCents < 0 ? '-' : '';
  const absolute = Math.abs(value.amountCents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')} ${value.currency}`;
}

// One short line per team, the same words for both models, so side-by-side output compares at a glance.
export function describeTeamRecords(records: TeamRecords): Record<Team, string> {
  const { refund, replacement, disassembly, disposal } = records;
  return {
    sales: !refund
      ? 'pending'
      : refund.status === 'issued'
        ? `refund issued ${formatMoney(refund.refundedAmount)}`
        : `refund rejected: ${refund.rejectionReason}`,
    inventory: !replacement ? 'pending' : `${replacement.modelId} ${replacement.status}`,
    manufacturing: !disassembly ? 'pending' : `disassembly (${disassembly.diagnosis}) at ${disassembly.siteId}`,
    accounting: !disposal ? 'pending' : `disposal ${formatMoney(disposal.amount)} to ${disposal.costCentre}`,
  };
}
