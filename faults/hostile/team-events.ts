// Valid team events, built as each team would for a return decided on its own, and the forged copies of them that
// a writer with access to a team topic could put there: the raw material of the team-topic cases.
import { eventOnItsOwn, perTeam, type RefundRequest, type Team } from '../../domain';
import { requestEnvelope, type TeamEventEnvelope, teamEventEnvelope } from '../../event-sourced/envelope';

// A fixed time, so that a case's record is the same bytes each time it is built.
export const AT = '2026-06-01T10:00:00.000Z';

type TeamEventBuilder = (request: RefundRequest) => TeamEventEnvelope;

export const LEGIT_EVENT: Readonly<Record<Team, TeamEventBuilder>> = perTeam(
  (team) => (request) => teamEventEnvelope(team, eventOnItsOwn(team, request), requestEnvelope(request, AT), AT),
);

// A team's event with one field of its data changed, still valid: what a forger would write.
const FORGED_DATA: Readonly<Record<Team, (data: Record<string, unknown>) => Record<string, unknown>>> = {
  sales: (data) => ({ ...data, refundedAmount: { ...(data.refundedAmount as object), amountCents: 1 } }),
  inventory: (data) => ({ ...data, shipTo: { ...(data.shipTo as object), city: 'Forged City' } }),
  manufacturing: (data) => ({ ...data, siteId: 'FORGED-1' }),
  accounting: (data) => ({ ...data, costCentre: 'CC-FORGED' }),
  'customer-care': (data) => ({ ...data, recipient: 'Forged Recipient' }),
};

// The team's event for the request, under its own eventId, occurring now, with other data: the JSON a forger writes.
export function forgedCopy(team: Team, request: RefundRequest): string {
  const legit = LEGIT_EVENT[team](request);
  return JSON.stringify({
    ...legit,
    occurredAt: new Date().toISOString(),
    data: FORGED_DATA[team](legit.data as unknown as Record<string, unknown>),
  });
}
