// One return's audit trail from both sources: Temporal's workflow history (what the orchestrator did, when, on
// which attempt) and the teams' own topics (what each team says happened, and where it is stored).
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { EventLog } from '../event-sourced/event-log';
import { type AuditEntry, readReturnStatus } from '../event-sourced/projections/return-status.projection';
import { fetchAuditTrail, type AuditEvent } from '../traditional/audit-trail';
import { returnWorkflowId } from '../traditional/client';

export interface ReturnAuditTrail {
  readonly returnId: string;
  readonly temporal: { readonly workflowId: string; readonly events: readonly AuditEvent[] };
  readonly kafka: { readonly events: readonly AuditEntry[] };
}

export async function readAuditTrail(
  config: Pick<Config, 'scope'>,
  sources: { readonly client: Client; readonly eventLog: EventLog },
  returnId: string,
): Promise<ReturnAuditTrail> {
  const workflowId = returnWorkflowId(config.scope, returnId);
  const [temporalEvents, projection] = await Promise.all([
    fetchAuditTrail(sources.client, workflowId).catch((error: Error) => {
      if (/not found/i.test(error.message)) return [];
      throw error;
    }),
    // A poison record on a team topic is the team's dead-letter business; the audit just passes over it.
    readReturnStatus(sources.eventLog, config.scope, async () => undefined),
  ]);
  return { returnId, temporal: { workflowId, events: temporalEvents }, kafka: { events: projection.auditTrail(returnId) } };
}

export function formatAuditTrail(trail: ReturnAuditTrail): string[] {
  const lines: string[] = [];
  lines.push(`Audit trail of ${trail.returnId}`);
  lines.push('');
  lines.push(`  Temporal workflow history (${trail.temporal.workflowId}): the orchestrator's record of its calls`);
  if (trail.temporal.events.length === 0) lines.push('    (no workflow for this return in this scope)');
  const start = trail.temporal.events[0] ? Date.parse(trail.temporal.events[0].time) : 0;
  for (const event of trail.temporal.events) {
    const offset = `+${String(Date.parse(event.time) - start).padStart(5)} ms`;
    const detail = [
      event.activity ? `${event.activity}` : event.workflowType ?? '',
      event.team ? `(${event.team})` : '',
      event.attempt && event.attempt > 1 ? `attempt ${event.attempt}` : '',
      event.failure ? `after failure: ${event.failure}` : '',
    ]
      .filter((part) => part.length > 0)
      .join(' ');
    lines.push(`    ${event.time}  ${offset}  ${event.type.padEnd(36)} ${detail}`);
  }
  lines.push('');
  lines.push("  Kafka team topics: each team's own events, the source of its state");
  if (trail.kafka.events.length === 0) lines.push('    (no team event for this return in this scope)');
  for (const entry of trail.kafka.events) {
    lines.push(
      `    ${entry.occurredAt}  ${entry.team.padEnd(13)} ${entry.type.padEnd(22)} ${entry.topic} partition ${entry.partition} offset ${entry.offset}`,
    );
  }
  return lines;
}
