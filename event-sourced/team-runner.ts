// Runs one team's decider: rebuilds the team's state by folding its own topic from offset 0 to its end, and by
// reading again the topics it reads, then joins the team's group on those topics. ONE instance per team: a team's
// state is one stream, its topic, and each decision depends on all of it (Inventory's last unit); two instances
// would each decide on half of it.
import { type RefundRequestedV1, requestContentId, type Team } from '../domain';
import { DEFAULT_MAX_RECORDS_PER_APPEND } from './batched-append';
import type { Reaction, TeamDecider } from './deciders/decider';
import {
  conflictingDuplicate,
  decodeRequest,
  deadLetterOf,
  encodeEnvelope,
  type Refusal,
  type RequestEnvelope,
  type TeamEnvelopeMeta,
  type TeamEventEnvelope,
  type TeamEventsOf,
  teamEventEnvelope,
} from './envelope';
import type { EventLog, LogRecord, Subscription } from './event-log';
import { GrowOnlyMap } from './grow-only';
import { firstOfEachEventId, type PoisonHandler, readTeamEventsOnce, teamTopicDecoder } from './team-events';
import { TEAM_DECIDERS, teamGroupId } from './teams';
import { topicsOf, topicsReadBy } from './topics';

export interface TeamRunnerDeps {
  readonly log: EventLog;
  readonly scope: string;
  // When each team event occurred: injected, so tests can pin it.
  readonly clock: () => string;
  // Called once if the runner crashes: an append or a commit failed, or the client gave up. The runner has
  // stopped by then; its owner starts a new one, which rebuilds from the topics, or exits so it is restarted.
  readonly onCrash: (error: Error) => void;
}

export interface TeamRunner<State = unknown> {
  readonly team: Team;
  // How many of its own events the team folded into its state on start.
  readonly rebuiltFrom: number;
  // How many records of the topics it reads it read again on start (none for a team that reads only requests).
  readonly reread: number;
  // The topics its group reads.
  readonly reads: readonly string[];
  state(): State;
  // Finishes the records in hand, commits them and leaves the group.
  stop(): Promise<void>;
}

// returnId -> the content id of the request the team took for that return (causationContentId of its event): a
// return in it is answered, and a second request with other content tells itself from the same request delivered
// again. Null when the decision's event is of version 1, which named no content: a later request for that return is
// taken for the same one.
export type AnsweredRequests = GrowOnlyMap<string | null>;

// What the runner holds of a team: the decider's business state, and which returns the team has answered. The
// runner owns "already answered", as TeamStore.recordOnce does in the traditional model.
export interface TeamState<State> {
  readonly decided: State;
  readonly answered: AnsweredRequests;
}

export function initialTeamState<T extends Team, State>(decider: TeamDecider<T, State>): TeamState<State> {
  return { decided: decider.initialState(), answered: GrowOnlyMap.empty() };
}

export function evolveTeamState<T extends Team, State>(
  decider: TeamDecider<T, State>,
  state: TeamState<State>,
  event: TeamEventsOf[T] & Pick<TeamEnvelopeMeta, 'causationContentId'>,
): TeamState<State> {
  return {
    decided: decider.evolve(state.decided, event),
    answered: decider.readsRequests
      ? state.answered.with(event.data.returnId, event.causationContentId)
      : state.answered,
  };
}

export type Answer<T extends Team, State> =
  | { readonly kind: 'decided'; readonly reaction: Reaction<T, State> }
  // The request the team answered, again: a redelivery after a crash, or the same request published twice.
  | { readonly kind: 'answered-before' }
  // Another request under a returnId the team has answered: the first stands, and this one is reported.
  | { readonly kind: 'conflicting-duplicate'; readonly firstContentId: string; readonly laterContentId: string };

// Pure: the decider is asked only about a return the team has not answered.
export function answerOf<T extends Team, State>(
  decider: TeamDecider<T, State>,
  state: TeamState<State>,
  request: RefundRequestedV1,
): Answer<T, State> {
  const firstContentId = state.answered.get(request.data.returnId);
  if (firstContentId === undefined) return { kind: 'decided', reaction: decider.decide(request, state.decided) };
  const laterContentId = requestContentId(request.data);
  if (firstContentId === null || firstContentId === laterContentId) return { kind: 'answered-before' };
  return { kind: 'conflicting-duplicate', firstContentId, laterContentId };
}

// What one record did to the team: its state after it, and the events it had the team write, each folded in.
export interface Taken<T extends Team, State> {
  readonly state: TeamState<State>;
  readonly written: readonly TeamEventEnvelope<T>[];
}

function adopt<T extends Team, State>(
  decider: TeamDecider<T, State>,
  state: TeamState<State>,
  reaction: Reaction<T, State>,
  cause: RequestEnvelope | TeamEventEnvelope,
  occurredAt: () => string,
): Taken<T, State> {
  let next: TeamState<State> = { decided: reaction.state, answered: state.answered };
  const written = reaction.events.map((event) => {
    const envelope = teamEventEnvelope(decider.team, event, cause, occurredAt());
    next = evolveTeamState(decider, next, envelope);
    return envelope;
  });
  return { state: next, written };
}

// Pure: a request, answered as answerOf says. One the team answered before is recalled, for a team that keeps the
// requests of the returns it holds open: after a restart, that is how it has them again.
export function takeRequest<T extends Team, State>(
  decider: TeamDecider<T, State>,
  state: TeamState<State>,
  request: RequestEnvelope,
  occurredAt: () => string,
): Taken<T, State> & { readonly answer: Answer<T, State> } {
  const answer = answerOf(decider, state, request);
  if (answer.kind === 'answered-before' && decider.recall) {
    return { state: { ...state, decided: decider.recall(request, state.decided) }, written: [], answer };
  }
  if (answer.kind !== 'decided') return { state, written: [], answer };
  const taken = adopt(decider, state, answer.reaction, request, occurredAt);
  if (taken.written.length > 0) return { ...taken, answer };
  // Taken without an event (Accounting waits for the verdict): answered all the same, so a second request under
  // the returnId is the same one again, or a conflicting duplicate.
  const answered = taken.state.answered.with(request.returnId, requestContentId(request.data));
  return { state: { ...taken.state, answered }, written: [], answer };
}

// Pure: an event of a team the decider reads.
export function takeTeamEvent<T extends Team, State>(
  decider: TeamDecider<T, State>,
  state: TeamState<State>,
  event: TeamEventEnvelope,
  occurredAt: () => string,
): Taken<T, State> {
  return adopt(decider, state, decider.react(event, state.decided), event, occurredAt);
}

export interface RebuiltState<T extends Team, State> {
  readonly state: State;
  readonly answered: AnsweredRequests;
  // The team's own events folded in.
  readonly events: number;
  // Records of the topics it reads, read again.
  readonly reread: number;
  // What those records have the team write that its topic does not hold yet (records it had not taken when it
  // stopped): appended before the team takes anything new.
  readonly written: readonly TeamEventEnvelope<T>[];
}

// Folds the team's own topic, from offset 0 to its end now, into its state, each event once. A team that reads other
// teams then reads again, from offset 0 to their end, the requests and the topics of the teams it reads: that is
// how what it learned without writing anything survives a restart, such as a verdict that came before its request,
// a request waiting for its verdict, or the request of a unit it holds. Reading again is safe, since taking a request
// it answered changes nothing and every reaction is idempotent; its cost grows with the history, as the fold of its
// own topic does. Poison found on the topics it reads is reported by the team's group, when it delivers it.
export async function rebuildTeamState<T extends Team, State>(
  log: EventLog,
  scope: string,
  decider: TeamDecider<T, State>,
  onPoison: PoisonHandler = () => Promise.resolve(),
  clock: () => string = () => new Date().toISOString(),
): Promise<RebuiltState<T, State>> {
  let state = initialTeamState(decider);
  const events = await readTeamEventsOnce(log, scope, [decider.team], {
    onEvent: (envelope) => {
      state = evolveTeamState(decider, state, envelope);
    },
    onPoison,
  });
  const written: TeamEventEnvelope<T>[] = [];
  const take = (taken: Taken<T, State>) => {
    state = taken.state;
    written.push(...taken.written);
  };
  let reread = 0;
  if (decider.reads.length > 0) {
    // The requests first, so that each return the team holds open has its request before its verdict is read.
    if (decider.readsRequests) {
      reread += await log.readToEnd([topicsOf(scope).requests], (record) => {
        const decoded = decodeRequest(record);
        // A conflicting duplicate, like poison, is reported when the group delivers it.
        if (decoded.ok) take(takeRequest(decider, state, decoded.envelope, clock));
      });
    }
    const decode = teamTopicDecoder(scope, decider.reads);
    const isFirst = firstOfEachEventId();
    reread += await log.readToEnd(
      decider.reads.map((team) => topicsOf(scope).teamEvents[team]),
      (record) => {
        const decoded = decode(record);
        if (decoded?.ok && isFirst(decoded.envelope)) take(takeTeamEvent(decider, state, decoded.envelope, clock));
      },
    );
  }
  return { state: state.decided, answered: state.answered, events, reread, written };
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
  const decodeTeamTopic = teamTopicDecoder(deps.scope, decider.reads);

  const rebuilt = await rebuildTeamState(log, deps.scope, decider, deadLetter, clock);
  for (let start = 0; start < rebuilt.written.length; start += DEFAULT_MAX_RECORDS_PER_APPEND) {
    await log.append(
      ownTopic,
      rebuilt.written.slice(start, start + DEFAULT_MAX_RECORDS_PER_APPEND).map(encodeEnvelope),
    );
  }
  let state: TeamState<State> = { decided: rebuilt.state, answered: rebuilt.answered };

  // One call per batch of records from one partition of one topic, in offset order; one batch at a time.
  const handleRecords = async (records: readonly LogRecord[], commit: (record: LogRecord) => Promise<void>) => {
    // The draft lets each record see the decisions on the records before it in the batch. It becomes the team's
    // state only once the events are acknowledged; if anything fails, the runner is thrown away.
    let draft = state;
    const newEvents: TeamEventEnvelope<T>[] = [];
    for (const record of records) {
      if (record.topic === topics.requests) {
        const decoded = decodeRequest(record);
        if (!decoded.ok) {
          await deadLetter(record, decoded);
          continue;
        }
        const request = decoded.envelope;
        const taken = takeRequest(decider, draft, request, clock);
        if (taken.answer.kind === 'conflicting-duplicate') {
          const { firstContentId, laterContentId } = taken.answer;
          await deadLetter(record, conflictingDuplicate(request.returnId, team, firstContentId, laterContentId));
          continue;
        }
        draft = taken.state;
        newEvents.push(...taken.written);
        continue;
      }
      const decoded = decodeTeamTopic(record);
      if (decoded === null) throw new Error(`${team} does not read ${record.topic}`);
      if (!decoded.ok) {
        await deadLetter(record, decoded);
        continue;
      }
      const taken = takeTeamEvent(decider, draft, decoded.envelope, clock);
      draft = taken.state;
      newEvents.push(...taken.written);
    }
    // Append and wait for the acknowledgement, then adopt the state, then commit. A crash in between leaves the
    // records uncommitted: they come again, to a runner rebuilt from the topics, which finds them taken.
    await log.append(ownTopic, newEvents.map(encodeEnvelope));
    state = draft;
    await commit(records[records.length - 1]);
  };

  const reads = topicsReadBy(topics, team);
  const subscription: Subscription = await log.subscribe({
    groupId: teamGroupId(deps.scope, team),
    topics: reads,
    onRecords: handleRecords,
    onFailure: deps.onCrash,
  });

  return {
    team,
    rebuiltFrom: rebuilt.events,
    reread: rebuilt.reread,
    reads,
    state: () => state.decided,
    stop: () => subscription.stop(),
  };
}

// What a team says once it is ready: what it rebuilt its state from, and what its group reads. The figure of its own
// events comes first, where the benchmark reads it.
export function readyLine(runner: TeamRunner, groupId: string): string {
  const reread = runner.reread > 0 ? ` and ${runner.reread} records of the topics it reads` : '';
  return `state rebuilt from ${runner.rebuiltFrom} events${reread}; consuming ${runner.reads.join(', ')} as ${groupId}`;
}

// Each team's own decider, chosen by name (the per-team process and the deployment start teams by name).
export function startTeamRunnerOf(team: Team, deps: TeamRunnerDeps): Promise<TeamRunner> {
  return startTeamRunner(TEAM_DECIDERS[team], deps);
}
