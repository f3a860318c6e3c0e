// The traditional model's audit trail is the workflow's history, kept by Temporal: which team was called when,
// on which attempt, and what failed before it succeeded. The event-sourced model keeps its trail in its topics.
import type { Client } from '@temporalio/client';
import { isWorkerTeam, type WorkerTeam } from './teams';

export interface AuditEvent {
  // The event's place in the history, which is not the order of the events' times (see inTimeOrder).
  readonly eventId: number;
  // The history event's name without its prefix, e.g. ActivityTaskScheduled, WorkflowExecutionCompleted.
  readonly type: string;
  readonly time: string;
  readonly workflowType?: string;
  readonly activity?: string;
  readonly team?: WorkerTeam;
  // On ActivityTaskStarted: the attempt that ran to the end; earlier attempts failed with `failure`.
  readonly attempt?: number;
  readonly failure?: string;
}

type Long = { toString(): string };
interface Attributes {
  readonly workflowType?: { readonly name?: string | null } | null;
  readonly activityType?: { readonly name?: string | null } | null;
  readonly taskQueue?: { readonly name?: string | null } | null;
  readonly scheduledEventId?: Long | number | null;
  readonly attempt?: number | null;
  readonly lastFailure?: { readonly message?: string | null } | null;
  readonly failure?: { readonly message?: string | null } | null;
}
type HistoryEvent = Record<string, unknown> & {
  readonly eventId?: Long | number | null;
  readonly eventTime?: { readonly seconds?: Long | number | null; readonly nanos?: number | null } | null;
};

const ATTRIBUTES_SUFFIX = 'EventAttributes';

// In history order: eventIds ascending.
export async function fetchAuditTrail(client: Client, workflowId: string): Promise<AuditEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<number, { activity?: string; team?: WorkerTeam }>();
  return (history.events ?? []).map((raw) => {
    const event = raw as unknown as HistoryEvent;
    // Exactly one `...EventAttributes` field is set per event, and its name is the event's type.
    const key = Object.keys(event).find((name) => name.endsWith(ATTRIBUTES_SUFFIX) && event[name] != null) ?? '';
    const attributes = (event[key] ?? {}) as Attributes;
    const eventId = toNumber(event.eventId);
    const base = {
      eventId,
      type: key.charAt(0).toUpperCase() + key.slice(1, -ATTRIBUTES_SUFFIX.length),
      time: toIsoTime(event.eventTime),
    };
    if (attributes.workflowType?.name) return { ...base, workflowType: attributes.workflowType.name };
    if (attributes.activityType?.name) {
      const taskQueue = attributes.taskQueue?.name ?? '';
      const queueTeam = taskQueue.slice(taskQueue.lastIndexOf('.') + 1);
      const activity = {
        activity: attributes.activityType.name,
        ...(isWorkerTeam(queueTeam) ? { team: queueTeam } : {}),
      };
      scheduled.set(eventId, activity);
      return { ...base, ...activity };
    }
    if (attributes.scheduledEventId != null) {
      const failure = attributes.lastFailure?.message ?? attributes.failure?.message;
      return {
        ...base,
        ...scheduled.get(toNumber(attributes.scheduledEventId)),
        ...(attributes.attempt ? { attempt: attributes.attempt } : {}),
        ...(failure ? { failure } : {}),
      };
    }
    return base;
  });
}

// The history is in the order Temporal wrote its events, which is not the order they happened: an activity's
// ActivityTaskStarted is written only when the activity closes (with the start time of its last attempt), and what
// arrives while a workflow task runs (an activity's result, say) is written after that task. Read in history order,
// the times go backwards; a reader of the trail wants them in the order they happened, ties in history order.
export function inTimeOrder(events: readonly AuditEvent[]): AuditEvent[] {
  return [...events].sort(
    (left, right) => Date.parse(left.time) - Date.parse(right.time) || left.eventId - right.eventId,
  );
}

function toNumber(value: Long | number | null | undefined): number {
  return value == null ? 0 : Number(value.toString());
}

function toIsoTime(time: HistoryEvent['eventTime']): string {
  if (!time) return '';
  return new Date(toNumber(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6)).toISOString();
}
