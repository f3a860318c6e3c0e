// Usage statistics over every return so far, from the same events the teams wrote for each other. Nobody had
// to change a publisher or a team for it: it is one more reader of topics that already exist.
import {
  assembleOutcome,
  RECORD_OF_TEAM,
  type Currency,
  type Diagnosis,
  type Money,
  type RefundRejectionReason,
  type RefundRequest,
  TEAMS,
  type TeamRecords,
} from '../../domain';
import { type AnyEnvelope, decodeRequest, teamOf } from '../envelope';
import type { EventLog } from '../event-log';
import { firstOfEachEventId, type PoisonHandler, teamTopicDecoder } from '../team-events';
import { teamEventTopics, topicsOf } from '../topics';

// Cents per currency: amounts in different currencies are never added together.
export type MoneyTotals = Partial<Record<Currency, number>>;

export interface UsageStats {
  readonly returnsRequested: number;
  readonly returnsComplete: number;
  readonly returnsPerModel: Readonly<Record<string, number>>;
  readonly defectCategories: Readonly<Partial<Record<Diagnosis, number>>>;
  readonly refundsIssued: { readonly count: number; readonly amount: MoneyTotals };
  readonly refundsRejected: {
    readonly count: number;
    readonly byReason: Readonly<Partial<Record<RefundRejectionReason, number>>>;
    // What the customers paid for the orders that were not refunded.
    readonly amountClaimed: MoneyTotals;
  };
  // What was charged: the book values of the devices of accepted returns.
  readonly disposalCostBySite: Readonly<Record<string, MoneyTotals>>;
  readonly replacements: {
    readonly shipped: number;
    readonly backordered: number;
    readonly backordersPerModel: Readonly<Record<string, number>>;
    // Refused returns: nothing ships, and a unit held for one went back to stock.
    readonly cancelled: number;
  };
  readonly customersNotified: number;
}

interface ReturnSoFar {
  request?: RefundRequest;
  records: TeamRecords;
}

// Each event counts once, whatever copies of it were stored, as in every fold of the topics (team-events.ts).
export function usageStats(envelopes: Iterable<AnyEnvelope>): UsageStats {
  const returns = new Map<string, ReturnSoFar>();
  const isFirst = firstOfEachEventId();
  for (const envelope of envelopes) {
    if (!isFirst(envelope)) continue;
    const soFar = returns.get(envelope.returnId) ?? { records: {} };
    if (envelope.type === 'RefundRequested') soFar.request = envelope.data;
    else soFar.records = { ...soFar.records, [RECORD_OF_TEAM[teamOf(envelope)]]: envelope.data };
    returns.set(envelope.returnId, soFar);
  }

  const returnsPerModel: Record<string, number> = {};
  const defectCategories: Partial<Record<Diagnosis, number>> = {};
  const issued = { count: 0, amount: {} as MoneyTotals };
  const rejected = {
    count: 0,
    byReason: {} as Partial<Record<RefundRejectionReason, number>>,
    amountClaimed: {} as MoneyTotals,
  };
  const disposalCostBySite: Record<string, MoneyTotals> = {};
  const replacements = { shipped: 0, backordered: 0, backordersPerModel: {} as Record<string, number>, cancelled: 0 };
  let returnsRequested = 0;
  let returnsComplete = 0;
  let customersNotified = 0;

  for (const [returnId, { request, records }] of returns) {
    const { refund, replacement, disassembly, disposal, notification } = records;
    if (request) returnsRequested++;
    if (assembleOutcome(returnId, records)) returnsComplete++;
    const modelId = request?.model.modelId ?? replacement?.modelId;
    if (modelId) count(returnsPerModel, modelId);
    if (disassembly) count(defectCategories, disassembly.diagnosis);
    if (refund?.status === 'issued') {
      issued.count++;
      addMoney(issued.amount, refund.refundedAmount);
    } else if (refund?.status === 'rejected') {
      rejected.count++;
      if (refund.rejectionReason) count(rejected.byReason, refund.rejectionReason);
      if (request) addMoney(rejected.amountClaimed, request.order.amountPaid);
    }
    // A disposal's record is its latest event: a charge is an AssetDisposalCharged, and a charge reversed (an
    // AssetDisposalReversed, for a return refused after it was charged) or never made is not-charged, no cost.
    if (disposal?.status === 'charged') {
      const site = disassembly?.siteId ?? request?.location.siteId ?? disposal.costCentre;
      addMoney((disposalCostBySite[site] ??= {}), disposal.amount);
    }
    if (replacement?.status === 'shipped') replacements.shipped++;
    if (replacement?.status === 'backordered') {
      replacements.backordered++;
      count(replacements.backordersPerModel, replacement.modelId);
    }
    if (replacement?.status === 'cancelled') replacements.cancelled++;
    if (notification) customersNotified++;
  }

  return {
    returnsRequested,
    returnsComplete,
    returnsPerModel,
    defectCategories,
    refundsIssued: issued,
    refundsRejected: rejected,
    disposalCostBySite,
    replacements,
    customersNotified,
  };
}

function count<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function addMoney(totals: MoneyTotals, value: Money): void {
  totals[value.currency] = (totals[value.currency] ?? 0) + value.amountCents;
}

// Reads the request topic and every team topic from the beginning to their end now.
export async function readUsageStats(log: EventLog, scope: string, onPoison: PoisonHandler): Promise<UsageStats> {
  const topics = topicsOf(scope);
  const decodeTeamTopic = teamTopicDecoder(scope, TEAMS);
  const envelopes: AnyEnvelope[] = [];
  // One read of every topic; usageStats takes each event once.
  await log.readToEnd([topics.requests, ...teamEventTopics(topics)], async (record) => {
    const decoded = decodeTeamTopic(record) ?? decodeRequest(record);
    if (decoded.ok) envelopes.push(decoded.envelope);
    else await onPoison(record, decoded);
  });
  return usageStats(envelopes);
}
