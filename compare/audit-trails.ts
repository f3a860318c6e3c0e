// One return's audit trail from both sources: Temporal's workflow history (what the orchestrator did, when, on
// which attempt) and the teams' own topics (what each team says happened, and where it is stored). Each source
// shows what it has; one that has nothing for the return says so, and nothing is created to find out.
import { type Client, isGrpcServiceError } from '@temporalio/client';
import type { Config } from '../config';
import type { EventLog } from '../event-sourced/event-log';
import { type AuditEntry, readReturnStatus } from '../event-sourced/projections/return-status.projection';
import { teamEventTopics, topicsOf } from '../event-sourced/topics';
import { type AuditEvent, fetchAuditTrail, inTimeOrder } from '../traditional/audit-trail';
import { returnWorkflowId } from '../traditional/client';

export interface ReturnAuditTrail {
  readonly returnId: string;
  readonly scope: string;
  // Events in the order they happened; eventId is each one's place in the history (see formatAuditTrail).
  readonly temporal: { readonly workflowId: string; readonly events: readonly AuditEvent[] };
  // The scope's team topics that do not exist: all four when the event-sourced model never ran in the scope.
  readonly kafka: { readonly missingTopics: readonly string[]; readonly events: readonly AuditEntry[] };
}

// gRPC's NOT_FOUND: Temporal has no workflow of this id.
const NOT_FOUND = 5;

export async function readAuditTrail(
  config: Pick<Config, 'scope'>,
  sources: { readonly client: Client; readonly eventLog: EventLog },
  returnId: string,
): Promise<ReturnAuditTrail> {
  const workflowId = returnWorkflowId(config.scope, returnId);
  const [temporalEvents, kafka] = await Promise.all([
    fetchAuditTrail(sources.client, workflowId).then(inTimeOrder, (error: unknown) => {
      if (isGrpcServiceError(error) && error.code === NOT_FOUND) return [];
      throw error;
    }),
    readTeamTopics(config.scope, sources.eventLog, returnId),
  ]);
  return { returnId, scope: config.scope, temporal: { workflowId, events: temporalEvents }, kafka };
}

// Reading a topic that does not exist fails (and would wait for it first), so only a scope whose team topics all
// exist is read; a scope where the event-sourced model never ran has none.
async function readTeamTopics(scope: string, eventLog: EventLog, returnId: string): Promise<ReturnAuditTrail['kafka']> {
  const teamTopics = teamEventTopics(topicsOf(scope));
  const existing = new Set(await eventLog.existingTopics(teamTopics));
  const missingTopics = teamTopics.filter((topic) => !existing.has(topic));
  if (missingTopics.length > 0) return { missingTopics, events: [] };
  // A poison record on a team topic is the team's dead-letter business; the audit just passes over it.
  const projection = await readReturnStatus(eventLog, scope, async () => undefined);
  return { missingTopics, events: projection.auditTrail(returnId) };
}

export function formatAuditTrail(trail: ReturnAuditTrail): string[] {
  const lines: string[] = [];
  lines.push(`Audit trail of ${trail.returnId} (scope ${trail.scope})`);
  lines.push('');
  lines.push(`  Temporal workflow history (${trail.temporal.workflowId}): the orchestrator's record of its calls`);
  if (trail.temporal.events.length === 0) {
    lines.push(
      `    (Temporal has no workflow ${trail.temporal.workflowId}: the traditional model has not run this return in this scope)`,
    );
  }
  const start = trail.temporal.events[0] ? Date.parse(trail.temporal.events[0].time) : 0;
  for (const event of trail.temporal.events) {
    const offset = `+${String(Date.parse(event.time) - start).padStart(5)} ms`;
    const detail = [
      event.activity ? `${event.activity}` : (event.workflowType ?? ''),
      event.team ? `(${event.team})` : '',
      event.attempt && event.attempt > 1 ? `attempt ${event.attempt}` : '',
      event.failure ? `after failure: ${event.failure}` : '',
    ]
      .filter((part) => part.length > 0)
      .join(' ');
    lines.push(
      `    ${event.time}  ${offset}  ${`#${event.eventId}`.padStart(4)}  ${event.type.padEnd(36)} ${detail}`.trimEnd(),
    );
  }
  if (trail.temporal.events.some((event, index, events) => index > 0 && event.eventId < events[index - 1].eventId)) {
    lines.push(
      "    Listed in the order things happened. #n is the place in the history, where Temporal writes an activity's",
      '    start only once the activity ends, and what arrives during a workflow task after that task.',
    );
  }
  lines.push('');
  lines.push("  Kafka team topics: each team's own events, the source of its state");
  if (trail.kafka.missingTopics.length === teamEventTopics(topicsOf(trail.scope)).length) {
    lines.push(
      `    (Kafka has no team topics of scope ${trail.scope}: the event-sourced model has not run in this scope)`,
    );
  } else if (trail.kafka.missingTopics.length > 0) {
    lines.push(
      `    (Kafka lacks the team topics ${trail.kafka.missingTopics.join(', ')}; nothing was read. \`npm run reset\` clears the scope)`,
    );
  } else if (trail.kafka.events.length === 0) {
    lines.push(
      `    (the team topics of scope ${trail.scope} hold no event of ${trail.returnId}: the event-sourced model has not run this return)`,
    );
  }
  for (const entry of trail.kafka.events) {
    lines.push(
      `    ${entry.occurredAt}  ${entry.team.padEnd(13)} ${entry.type.padEnd(22)} ${entry.topic} partition ${entry.partition} offset ${entry.offset}`,
    );
  }
  return lines;
}
