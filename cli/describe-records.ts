// How a return's records read on a terminal: the words every entry point prints, so both models' output compares
// line by line.
import type { Money, Team, TeamRecords } from '../domain';

export function formatMoney(value: Money): string {
  const sign = value.amountCents < 0 ? '-' : '';
  const absolute = Math.abs(value.amountCents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')} ${value.currency}`;
}

// One short line per team, the same words for both models, so side-by-side output compares at a glance.
export function describeTeamRecords(records: TeamRecords): Record<Team, string> {
  const { refund, replacement, disassembly, disposal, notification } = records;
  return {
    sales: !refund
      ? 'pending'
      : refund.status === 'issued'
        ? `refund issued ${formatMoney(refund.refundedAmount)}`
        : `refund rejected: ${refund.rejectionReason}`,
    inventory: !replacement ? 'pending' : `${replacement.modelId} ${replacement.status}`,
    manufacturing: !disassembly
      ? 'pending'
      : disassembly.status === 'ordered'
        ? `disassembly (${disassembly.diagnosis}) at ${disassembly.siteId}`
        : `unit returned from ${disassembly.siteId}, no disassembly`,
    accounting: !disposal
      ? 'pending'
      : disposal.status === 'charged'
        ? `disposal ${formatMoney(disposal.amount)} to ${disposal.costCentre}`
        : `no disposal charged to ${disposal.costCentre}`,
    'customer-care': !notification
      ? 'pending'
      : notification.refundedAmount
        ? `told: accepted, ${formatMoney(notification.refundedAmount)} refunded, replacement ${notification.replacement}`
        : `told: refused, ${notification.refusalReason}`,
  };
}
