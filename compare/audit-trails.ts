// One return's audit trail from both sources: Temporal's workflow history (what the orchestrator did, when, on
// which attempt) and the teams' own topics (what each team says happened, and where it is stored). Each source
// shows what it has; one that has nothing for the return says so, and nothing is created to find out.
import type { Config } from '../config';
import type { EventSourcedAuditTrail } from '../event-sourced/model';
import { teamEventTopics, topicsOf } from '../event-sourced/topics';
import type { AuditReader } from '../model/port';
import type { TraditionalAuditTrail } from '../traditional/model';

export interface ReturnAuditTrail {
  readonly returnId: string;
  readonly scope: string;
  readonly temporal: TraditionalAuditTrail;
  readonly kafka: EventSourcedAuditTrail;
}

// Each model's own trail of the return, through its door.
export async function readAuditTrail(
  config: Pick<Config, 'scope'>,
  readers: {
    readonly traditional: AuditReader<TraditionalAuditTrail>;
    readonly eventSourced: AuditReader<EventSourcedAuditTrail>;
  },
  returnId: string,
): Promise<ReturnAuditTrail> {
  const [temporal, kafka] = await Promise.all([
    readers.traditional.auditTrail(returnId),
    readers.eventSourced.auditTrail(returnId),
  ]);
  return { returnId, scope: config.scope, temporal, kafka };
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
