// Runs one team's decider: rebuilds the team's state by folding its own topic from offset 0 to its end, then
// joins the team's group on the request topic. ONE instance per team: a team's state is one stream, its topic, and
// each decision depends on all of it (Inventory's last unit); two instances would each decide on half of it.
import { type RefundRequestedV1, requestContentId, type Team } from '../domain';
import type { TeamDecider } from './deciders/decider';
import {
  conflictingDuplicate,
  decodeRequest,
  deadLetterOf,
  encodeEnvelope,
  type Refusal,
  type TeamEnvelopeMeta,
  type TeamEventEnvelope,
  type TeamEventsOf,
  teamEventEnvelope,
} from './envelope';
import type { EventLog, LogRecord, Subscription } from './event-log';
import { GrowOnlyMap } from './grow-only';
import { type PoisonHandler, readTeamEventsOnce } from './team-events';
import { TEAM_DECIDERS, teamGroupId } from './teams';
import { topicsOf } from './topics';

export interface TeamRunnerDeps {
  readonly log: EventLog;
  readonly scope: string;
  // When each team event occurred: injected, so tests can pin it.
  readonly clock: () => string;
  // Called once if the runner crashes: an append or a commit failed, or the client gave up. The runner has
  // stopped by then; its owner starts a new one, which rebuilds from the topic, or exits so it is restarted.
  readonly onCrash: (error: Error) => void;
}

export interface TeamRunner<State = unknown> {
  readonly team: Team;
  // How many of its own events the team folded into its state on start.
  readonly rebuiltFrom: number;
  state(): State;
  // Finishes the requests in hand, commits them and leaves the group.
  stop(): Promise<void>;
}

// returnId -> the content id of the request the team's decision on that return answered (causationContentId of
// its event): a return in it is answered, and a second request with other content tells itself from the same
// request delivered again. Null when the decision's event is of version 1, which named no content: a later
// request for that return is taken for the same one.
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
    answered: state.answered.with(event.data.returnId, event.causationContentId),
  };
}

export type Answer<T extends Team> =
  | { readonly kind: 'decided'; readonly events: readonly TeamEventsOf[T][] }
  // The request the team answered, again: a redelivery after a crash, or the same request published twice.
  | { readonly kind: 'answered-before' }
  // Another request under a returnId the team has answered: the first stands, and this one is reported.
  | { readonly kind: 'conflicting-duplicate'; readonly firstContentId: string; readonly laterContentId: string };

// Pure: the decider is asked only about a return the team has not answered.
export function answerOf<T extends Team, State>(
  decider: TeamDecider<T, State>,
  state: TeamState<State>,
  request: RefundRequestedV1,
): Answer<T> {
  const firstContentId = state.answered.get(request.data.returnId);
  if (firstContentId === undefined) return { kind: 'decided', events: decider.decide(request, state.decided) };
  const laterContentId = requestContentId(request.data);
  if (firstContentId === null || firstContentId === laterContentId) return { kind: 'answered-before' };
  return { kind: 'conflicting-duplicate', firstContentId, laterContentId };
}

export interface RebuiltState<State> {
  readonly state: State;
  readonly answered: AnsweredRequests;
  readonly events: number;
}

// Folds the team's own topic, from offset 0 to its end now, into its state, each event once.
export async function rebuildTeamState<T extends Team, State>(
  log: EventLog,
  scope: string,
  decider: TeamDecider<T, State>,
  onPoison: PoisonHandler = () => Promise.resolve(),
): Promise<RebuiltState<State>> {
  let state = initialTeamState(decider);
  const events = await readTeamEventsOnce(log, scope, [decider.team], {
    onEvent: (envelope) => {
      state = evolveTeamState(decider, state, envelope);
    },
    onPoison,
  });
  return { state: state.decided, answered: state.answered, events };
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

  const rebuilt = await rebuildTeamState(log, deps.scope, decider, deadLetter);
  let state: TeamState<State> = { decided: rebuilt.state, answered: rebuilt.answered };

  // One call per batch of requests from one partition, in offset order.
  const handleRequests = async (records: readonly LogRecord[], commit: (record: LogRecord) => Promise<void>) => {
    // The draft lets each request see the decisions on the requests before it in the batch. It becomes the
    // team's state only once the events are acknowledged; if anything fails, the runner is thrown away.
    let draft = state;
    const newEvents: TeamEventEnvelope<T>[] = [];
    for (const record of records) {
      const decoded = decodeRequest(record);
      if (!decoded.ok) {
        await deadLetter(record, decoded);
        continue;
      }
      const request = decoded.envelope;
      const answer = answerOf(decider, draft, request);
      if (answer.kind === 'conflicting-duplicate') {
        const { firstContentId, laterContentId } = answer;
        await deadLetter(record, conflictingDuplicate(request.returnId, team, firstContentId, laterContentId));
        continue;
      }
      if (answer.kind === 'answered-before') continue;
      for (const event of answer.events) {
        const envelope = teamEventEnvelope(team, event, request, clock());
        draft = evolveTeamState(decider, draft, envelope);
        newEvents.push(envelope);
      }
    }
    // Append and wait for the acknowledgement, then adopt the state, then commit. A crash in between leaves the
    // requests uncommitted: they come again, to a runner rebuilt from the topic, which finds them answered.
    await log.append(ownTopic, newEvents.map(encodeEnvelope));
    state = draft;
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
    state: () => state.decided,
    stop: () => subscription.stop(),
  };
}

// Each team's own decider, chosen by name (the per-team process and the deployment start teams by name).
export function startTeamRunnerOf(team: Team, deps: TeamRunnerDeps): Promise<TeamRunner> {
  return startTeamRunner(TEAM_DECIDERS[team], deps);
}
