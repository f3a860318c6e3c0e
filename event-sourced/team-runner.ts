// Runs one team's subscriber: rebuilds the team's state by folding its own topic from offset 0 to its end, then
// joins the team's group on the request topic. ONE instance per team: a team's state is one stream, its topic, and
// each decision depends on all of it (Inventory's last unit); two instances would each decide on half of it.
import { requestContentId, type Team } from '../domain';
import { accountingSubscriber } from './subscribers/accounting.subscriber';
import type { TeamDecider } from './subscribers/decider';
import { inventorySubscriber } from './subscribers/inventory.subscriber';
import { manufacturingSubscriber } from './subscribers/manufacturing.subscriber';
import { salesSubscriber } from './subscribers/sales.subscriber';
import { GrowOnlyMap } from './subscribers/grow-only';
import {
  conflictingDuplicate,
  decodeRequest,
  decodeTeamEvent,
  deadLetterOf,
  encodeEnvelope,
  type Poison,
  type Refusal,
  type RequestEnvelope,
  type TeamEventEnvelope,
  teamEventEnvelope,
} from './envelope';
import type { EventLog, LogRecord, Subscription } from './event-log';
import { teamGroupId, topicsOf } from './topics';

export interface TeamRunnerDeps {
  readonly log: EventLog;
  readonly scope: string;
  // When each team event occurred: injected, so tests can pin it.
  readonly clock: () => string;
  // Called once if the runner crashes: an append or a commit failed, or the client gave up. The runner has
  // stopped by then; its owner starts a new one, which rebuilds from the topic, or exits so it is restarted.
  readonly onCrash: (error: Error) => void;
  // Test only: crash hard after appending a return's events and before committing its request, as a process
  // killed at the worst moment would.
  readonly crashAfterAppend?: (returnId: string) => boolean;
  // Test only, off by default: the fault suite's negative control (faults/). The team starts from an empty state
  // instead of folding its topic, so a request delivered again after a restart is decided again.
  readonly unsafeDisableIdempotency?: boolean;
}

export interface TeamRunner<State = unknown> {
  readonly team: Team;
  // How many of its own events the team folded into its state on start.
  readonly rebuiltFrom: number;
  state(): State;
  // Finishes the requests in hand, commits them and leaves the group.
  stop(): Promise<void>;
}

export class SimulatedCrash extends Error {
  constructor(team: Team, returnId: string) {
    super(`${team} crashed on purpose after appending the events of ${returnId}, before committing its request`);
    this.name = 'SimulatedCrash';
  }
}

// returnId -> the content id of the request the team's decision on that return answered (causationContentId of
// its event): what tells a second request with other content from the same request delivered again. Null when
// the decision's event is of version 1, which named no content: a later request for that return goes unreported.
export type AnsweredRequests = GrowOnlyMap<string | null>;

export interface RebuiltState<State> {
  readonly state: State;
  readonly answered: AnsweredRequests;
  readonly events: number;
}

// Folds the team's own topic, from offset 0 to its end now, into its state. An event recorded twice (the same
// eventId, e.g. an append retried after a lost acknowledgement) is folded once.
export async function rebuildTeamState<T extends Team, State>(
  log: EventLog,
  scope: string,
  decider: TeamDecider<T, State>,
  onPoison: (record: LogRecord, poison: Poison) => Promise<void> = async () => undefined,
): Promise<RebuiltState<State>> {
  const topic = topicsOf(scope).teamEvents[decider.team];
  const seenEventIds = new Set<string>();
  let state = decider.initialState();
  let answered: AnsweredRequests = GrowOnlyMap.empty();
  await log.readToEnd([topic], async (record) => {
    const decoded = decodeTeamEvent(record, decider.team);
    if (!decoded.ok) return onPoison(record, decoded);
    if (seenEventIds.has(decoded.envelope.eventId)) return;
    seenEventIds.add(decoded.envelope.eventId);
    state = decider.evolve(state, decoded.envelope);
    answered = answered.with(decoded.envelope.returnId, decoded.envelope.causationContentId);
  });
  return { state, answered, events: seenEventIds.size };
}

// The content ids of the first and of this request, when the team has decided the return on a request with other
// content; null for a new return, and for the same request again, which the decider finds handled.
function conflictWith(
  answered: AnsweredRequests,
  request: RequestEnvelope,
): { readonly firstContentId: string; readonly laterContentId: string } | null {
  const firstContentId = answered.get(request.returnId);
  if (firstContentId === undefined || firstContentId === null) return null;
  const laterContentId = requestContentId(request.data);
  return laterContentId === firstContentId ? null : { firstContentId, laterContentId };
}

export async function startTeamRunner<T extends Team, State>(
  decider: TeamDecider<T, State>,
  deps: TeamRunnerDeps,
): Promise<TeamRunner<State>> {
  const { log, clock } = deps;
  const team = decider.team;
  const topics = topicsOf(deps.scope);
  const ownTopic = topics.teamEvents[team];
  const deadLetter = (record: LogRecord, refusal: Refusal) =>
    log.appendDeadLetter(topics.deadLetter, deadLetterOf(record, refusal, team));

  const rebuilt = deps.unsafeDisableIdempotency
    ? { state: decider.initialState(), answered: GrowOnlyMap.empty<string | null>(), events: 0 }
    : await rebuildTeamState(log, deps.scope, decider, deadLetter);
  let state = rebuilt.state;
  let answered = rebuilt.answered;

  // One call per batch of requests from one partition, in offset order.
  const handleRequests = async (records: readonly LogRecord[], commit: (record: LogRecord) => Promise<void>) => {
    // The draft lets each request see the decisions on the requests before it in the batch. It becomes the
    // team's state only once the events are acknowledged; if anything fails, the runner is thrown away.
    let draft = state;
    let answeredDraft = answered;
    const newEvents: TeamEventEnvelope<T>[] = [];
    for (const record of records) {
      const decoded = decodeRequest(record);
      if (!decoded.ok) {
        await deadLetter(record, decoded);
        continue;
      }
      // The first request of a return stands: one with other content is reported, and decides nothing.
      const conflict = conflictWith(answeredDraft, decoded.envelope);
      if (conflict) {
        const { firstContentId, laterContentId } = conflict;
        await deadLetter(record, conflictingDuplicate(decoded.envelope.returnId, team, firstContentId, laterContentId));
        continue;
      }
      // Already handled (a redelivery, or the same request published twice): decide returns no events.
      for (const event of decider.decide(decoded.envelope, draft)) {
        const envelope = teamEventEnvelope(team, event, decoded.envelope, clock());
        draft = decider.evolve(draft, event);
        answeredDraft = answeredDraft.with(envelope.returnId, envelope.causationContentId);
        newEvents.push(envelope);
      }
    }
    // Append and wait for the acknowledgement, then adopt the state, then commit. A crash in between leaves the
    // requests uncommitted: they come again, to a runner rebuilt from the topic, which finds them handled.
    await log.append(ownTopic, newEvents.map(encodeEnvelope));
    const crashOn = deps.crashAfterAppend && newEvents.find((event) => deps.crashAfterAppend?.(event.returnId));
    if (crashOn) throw new SimulatedCrash(team, crashOn.returnId);
    state = draft;
    answered = answeredDraft;
    await commit(records[records.length - 1]);
  };

  const subscription: Subscription = await log.subscribe({
    groupId: teamGroupId(deps.scope, team),
    topics: [topics.requests],
    onRecords: handleRequests,
    onFailure: deps.onCrash,
  });

  return {
    team,
    rebuiltFrom: rebuilt.events,
    state: () => state,
    stop: () => subscription.stop(),
  };
}

export const SUBSCRIBERS = {
  sales: salesSubscriber,
  inventory: inventorySubscriber,
  manufacturing: manufacturingSubscriber,
  accounting: accountingSubscriber,
} as const satisfies { readonly [T in Team]: TeamDecider<T, unknown> };

// Each team's own decider, chosen by name (the per-team process and the deployment start teams by name).
export function startTeamRunnerOf(team: Team, deps: TeamRunnerDeps): Promise<TeamRunner> {
  switch (team) {
    case 'sales':
      return startTeamRunner(SUBSCRIBERS.sales, deps);
    case 'inventory':
      return startTeamRunner(SUBSCRIBERS.inventory, deps);
    case 'manufacturing':
      return startTeamRunner(SUBSCRIBERS.manufacturing, deps);
    case 'accounting':
      return startTeamRunner(SUBSCRIBERS.accounting, deps);
  }
}
