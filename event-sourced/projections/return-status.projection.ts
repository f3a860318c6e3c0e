// Where each return stands, built from the team topics alone, so any process can build it at any time. A team's
// record of a return is the data of its latest event for it (a unit held, then shipped). A return's outcome is the
// same ReturnOutcome, with the same values, as the traditional model's: the domain's assembleOutcome puts it
// together once every team's record stands under Sales' verdict. Each event also leaves an audit entry, a
// compensation (a unit released, an order cancelled) under its own type.
import {
  assembleOutcome,
  RECORD_OF_TEAM,
  type ReturnOutcome,
  type Team,
  TEAMS,
  type TeamEventType,
  type TeamRecords,
} from '../../domain';
import { type TeamEventEnvelope, teamOf } from '../envelope';
import type { EventLog, LogRecord, Subscription } from '../event-log';
import { type PoisonHandler, readTeamEventsOnce, tailTeamEventsOnce } from '../team-events';

export interface AuditEntry {
  readonly returnId: string;
  readonly team: Team;
  readonly type: TeamEventType;
  readonly eventId: string;
  readonly causationId: string | null;
  readonly occurredAt: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

interface ReturnStatus {
  records: TeamRecords;
  readonly audit: AuditEntry[];
}

export class ReturnStatusProjection {
  private readonly returns = new Map<string, ReturnStatus>();

  // Folds one team event in; its readers hand it each event once (team-events.ts).
  apply(envelope: TeamEventEnvelope, position: Pick<LogRecord, 'topic' | 'partition' | 'offset'>): void {
    const team = teamOf(envelope);
    const status = this.returns.get(envelope.returnId) ?? { records: {}, audit: [] };
    status.records = { ...status.records, [RECORD_OF_TEAM[team]]: envelope.data };
    status.audit.push({
      returnId: envelope.returnId,
      team,
      type: envelope.type,
      eventId: envelope.eventId,
      causationId: envelope.causationId,
      occurredAt: envelope.occurredAt,
      topic: position.topic,
      partition: position.partition,
      offset: position.offset,
    });
    this.returns.set(envelope.returnId, status);
  }

  returnIds(): string[] {
    return [...this.returns.keys()];
  }

  records(returnId: string): TeamRecords {
    return this.returns.get(returnId)?.records ?? {};
  }

  // Null until every team's record stands.
  outcome(returnId: string): ReturnOutcome | null {
    return assembleOutcome(returnId, this.records(returnId));
  }

  // The return's team events in the order they occurred, each with where it is stored.
  auditTrail(returnId: string): AuditEntry[] {
    const audit = [...(this.returns.get(returnId)?.audit ?? [])];
    return audit.sort((left, right) => Date.parse(left.occurredAt) - Date.parse(right.occurredAt));
  }
}

// One shot: every team event written so far.
export async function readReturnStatus(
  log: EventLog,
  scope: string,
  onPoison: PoisonHandler,
): Promise<ReturnStatusProjection> {
  const projection = new ReturnStatusProjection();
  await readTeamEventsOnce(log, scope, TEAMS, {
    onEvent: (envelope, record) => projection.apply(envelope, record),
    onPoison,
  });
  return projection;
}

export interface LiveReturnStatus {
  readonly projection: ReturnStatusProjection;
  readonly subscription: Subscription;
}

// Live: every team event from the beginning, then each new one as it is written; onEvent after each new one.
export async function tailReturnStatus(
  log: EventLog,
  scope: string,
  handlers: {
    readonly onEvent: (envelope: TeamEventEnvelope, projection: ReturnStatusProjection) => void;
    readonly onPoison: PoisonHandler;
    readonly onFailure: (error: Error) => void;
  },
): Promise<LiveReturnStatus> {
  const projection = new ReturnStatusProjection();
  const subscription = await tailTeamEventsOnce(log, scope, TEAMS, {
    onEvent: (envelope, record) => {
      projection.apply(envelope, record);
      handlers.onEvent(envelope, projection);
    },
    onPoison: handlers.onPoison,
    onFailure: handlers.onFailure,
  });
  return { projection, subscription };
}
