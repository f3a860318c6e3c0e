// Runs one instance of a team: it re-keys what the team reads into the team's input topic, by the team's own key
// (repartition.ts), and decides on the partitions of that input its group gives it. The state of each partition is
// built when the instance gains it, by folding the team's own events of that partition and reading that partition of
// the input again, before any of its records is taken; a partition taken away is no longer decided here. So any
// number of instances may run in the team's group: each decision that depends on other returns (an order refunded
// once, a model's last unit) is made by the one instance that holds every return of its key.
import { type RefundRequestedV1, requestContentId, type Team } from '../domain';
import { DEFAULT_MAX_RECORDS_PER_APPEND } from './batched-append';
import type { Reaction, TeamDecider } from './deciders/decider';
import {
  type AnyEnvelope,
  conflictingDuplicate,
  decodeRequest,
  decodeTeamEvent,
  deadLetterOf,
  encodeEnvelope,
  type Refusal,
  type RequestEnvelope,
  type TeamEnvelopeMeta,
  type Poison,
  type TeamEventEnvelope,
  type TeamEventsOf,
  teamEventEnvelope,
} from './envelope';
import { type EventLog, type LogRecord, type OutgoingRecord, partitionOfKey, type Subscription } from './event-log';
import { HeldPartitions } from './held-partitions';
import {
  decodeState,
  encodeState,
  inputDigest,
  type PartitionSnapshot,
  SNAPSHOT_SCHEMA,
  type SnapshotPolicy,
  type SnapshotStore,
  staleness,
} from './snapshots';
import { GrowOnlyMap } from './grow-only';
import { firstOfEachEventId, type PoisonHandler, readTeamEventsOnce, teamTopicDecoder } from './team-events';
import {
  keysHeaders,
  keysOfRecord,
  partitionOfOwnEvent,
  reKeyed,
  type ReturnKeys,
  routesRequestsByFirstKey,
  sourceRecordOf,
  teamKeyOf,
} from './repartition';
import { reKeyingGroupId, TEAM_DECIDERS, TEAM_KEYS, teamGroupId } from './teams';
import { topicsOf, topicsReadBy } from './topics';

export interface TeamRunnerDeps {
  readonly log: EventLog;
  readonly scope: string;
  // When each team event occurred: injected, so tests can pin it.
  readonly clock: () => string;
  // Called once if the runner crashes: an append or a commit failed, or the client gave up. The runner has
  // stopped by then; its owner starts a new one, which rebuilds from the topics, or exits so it is restarted.
  readonly onCrash: (error: Error) => void;
  // Where and how often the runner writes the state of each partition it holds, to start from it again; without,
  // every partition it gains is rebuilt from offset 0.
  readonly snapshots?: SnapshotPolicy | null;
  // Lines worth an operator's eye, such as a snapshot ignored and why.
  readonly say?: (line: string) => void;
}

export interface TeamRunner<State = unknown> {
  readonly team: Team;
  // How many of its own events the instance folded into the state of the partitions it was given on start.
  readonly rebuiltFrom: number;
  // How many records of its input it read again on start (none for a team that reads only requests).
  readonly reread: number;
  // How many of the partitions it was given on start it loaded from a snapshot.
  readonly restored: number;
  // The topics the team reads, through its re-keying.
  readonly reads: readonly string[];
  // The partitions of the team's input this instance holds now.
  partitions(): readonly number[];
  // The decider's state of each partition it holds.
  state(): ReadonlyMap<number, State>;
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
    return { ...adopt(decider, state, decider.recall(request, state.decided), request, occurredAt), answer };
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

// What one partition of the team's input gives its state: the decider's state and the returns it answered.
export type PartitionStates<State> = ReadonlyMap<number, TeamState<State>>;

// An event the team decided and has not appended yet, with the keys of its return (repartition.ts).
export interface Unwritten<T extends Team> {
  readonly partition: number;
  readonly envelope: TeamEventEnvelope<T>;
  readonly keys: ReturnKeys;
}

export interface RebuiltState<T extends Team, State> {
  readonly partitions: PartitionStates<State>;
  // How many of its own events each partition's state holds, snapshot included.
  readonly folded: ReadonlyMap<number, number>;
  // The team's own events read from its topic (past the snapshots, where they stand).
  readonly events: number;
  // Partitions started from a snapshot.
  readonly restored: number;
  // Records of its input read again.
  readonly reread: number;
  // What those records have the team write that its topic does not hold yet (records it had not taken when it
  // stopped): appended before the team takes anything new of their partition.
  readonly written: readonly Unwritten<T>[];
}

// What an input record is to the team: the record it was re-keyed from, decoded; a record of its input that no
// re-keying wrote is poison.
type Input =
  | { readonly kind: 'request'; readonly source: LogRecord; readonly envelope: RequestEnvelope }
  | { readonly kind: 'event'; readonly source: LogRecord; readonly envelope: TeamEventEnvelope }
  | { readonly kind: 'poison'; readonly source: LogRecord; readonly poison: Poison };

function inputDecoder(scope: string, decider: TeamDecider<Team, unknown>): (record: LogRecord) => Input {
  const topics = topicsOf(scope);
  const decodeTeamTopic = teamTopicDecoder(scope, decider.reads);
  return (record) => {
    const source = sourceRecordOf(record);
    if (source === null) {
      const detail = `${record.topic} holds only records re-keyed from the topics ${decider.team} reads`;
      return { kind: 'poison', source: record, poison: { ok: false, reason: 'wrong-topic', detail } };
    }
    if (decider.readsRequests && source.topic === topics.requests) {
      const decoded = decodeRequest(source);
      return decoded.ok
        ? { kind: 'request', source, envelope: decoded.envelope }
        : { kind: 'poison', source, poison: decoded };
    }
    const decoded = decodeTeamTopic(source) ?? {
      ok: false as const,
      reason: 'wrong-topic' as const,
      detail: `${decider.team} does not read ${source.topic}`,
    };
    return decoded.ok
      ? { kind: 'event', source, envelope: decoded.envelope }
      : { kind: 'poison', source, poison: decoded };
  };
}

// Folds the team's own events of the given partitions of its input into their states, each event once: the
// team's topic is keyed by returnId, so it is read whole, and each event goes to the partition of the team's key
// its data names. A team that reads other teams then reads again those partitions of its input from offset 0 to
// their end: that is how what it learned without writing anything survives a restart, such as a verdict that came
// before its request, a request waiting for its verdict, or the request of a unit it holds. The input holds them in
// the order the team first took them. Reading again is safe, since taking a request it answered changes nothing and
// every reaction is idempotent; its cost grows with the history, as the fold of its own topic does. Poison found on
// its own topic is reported to onPoison; the input holds none, since the re-keying reports it.
export interface RebuildOptions {
  // The partitions of the team's input to rebuild (default: all).
  readonly only?: ReadonlySet<number>;
  readonly onPoison?: PoisonHandler;
  readonly clock?: () => string;
  // Snapshots to start from where they stand; without, every partition is rebuilt from offset 0.
  readonly snapshots?: SnapshotStore;
  // Why a snapshot was ignored, one line each.
  readonly say?: (line: string) => void;
}

export async function rebuildTeamState<T extends Team, State>(
  log: EventLog,
  scope: string,
  decider: TeamDecider<T, State>,
  options: RebuildOptions = {},
): Promise<RebuiltState<T, State>> {
  const { onPoison = () => Promise.resolve(), clock = () => new Date().toISOString(), snapshots } = options;
  const team = decider.team;
  const ownTopic = topicsOf(scope).teamEvents[team];
  const inputTopic = topicsOf(scope).teamInputs[team];
  const partitionCount = await log.partitionCount(inputTopic);
  const wanted = options.only ?? new Set(Array.from({ length: partitionCount }, (_, partition) => partition));
  const states = new Map<number, TeamState<State>>(
    [...wanted].map((partition) => [partition, initialTeamState(decider)]),
  );
  const folded = new Map<number, number>([...wanted].map((partition) => [partition, 0]));
  const restored = snapshots
    ? await loadSnapshots(log, scope, team, wanted, partitionCount, snapshots, options.say ?? (() => undefined))
    : new Map<number, PartitionSnapshot>();
  for (const [partition, snapshot] of restored) {
    states.set(partition, decodeState(snapshot.state) as TeamState<State>);
    folded.set(partition, snapshot.events);
  }
  // With every partition restored, the team's topic is read from the earliest offset any snapshot stops at;
  // otherwise from 0, each restored partition skipping what its snapshot holds.
  const ownFrom =
    restored.size > 0 && restored.size === wanted.size ? earliestOwnOffsets([...restored.values()]) : undefined;
  const events = await readTeamEventsOnce(
    log,
    scope,
    [team],
    {
      onEvent: (envelope, record) => {
        const partition = partitionOfOwnEvent(team, envelope, partitionCount);
        const state = states.get(partition);
        if (!state) return;
        // A copy of an event the snapshot holds, stored again after it, folds to the same state: evolve is idempotent.
        const foldedTo = restored.get(partition)?.ownFoldedTo[String(record.partition)];
        if (foldedTo !== undefined && BigInt(record.offset) < BigInt(foldedTo)) return;
        states.set(partition, evolveTeamState(decider, state, envelope));
        folded.set(partition, (folded.get(partition) ?? 0) + 1);
      },
      onPoison,
    },
    ownFrom && { partitions: new Set(ownFrom.keys()), from: new Map([[ownTopic, ownFrom]]) },
  );
  const written: Unwritten<T>[] = [];
  let reread = 0;
  // A team that reads only requests learns nothing from them without writing: its input is read again only past a
  // snapshot, to check the snapshot's last record is still there.
  const rereading = new Set([...wanted].filter((partition) => decider.reads.length > 0 || restored.has(partition)));
  const stale = new Set<number>();
  if (rereading.size > 0) {
    const decode = inputDecoder(scope, decider);
    const isFirst = firstOfEachEventId();
    const checked = new Set<number>();
    reread = await log.readToEnd(
      [inputTopic],
      (record) => {
        const { partition } = record;
        const snapshot = restored.get(partition);
        if (snapshot && !checked.has(partition)) {
          // The first record read past a snapshot is the last one it took: the same bytes, or the topic is not the one
          // the snapshot was taken of.
          checked.add(partition);
          const same = record.offset === snapshot.lastInput.offset && inputDigest(record) === snapshot.lastInput.digest;
          if (!same) stale.add(partition);
          return;
        }
        const state = states.get(partition);
        const input = decode(record);
        if (!state || stale.has(partition) || input.kind === 'poison') return;
        // A conflicting duplicate is reported when the group delivers it.
        const taken =
          input.kind === 'request'
            ? takeRequest(decider, state, input.envelope, clock)
            : isFirst(input.envelope)
              ? takeTeamEvent(decider, state, input.envelope, clock)
              : null;
        if (!taken) return;
        states.set(partition, taken.state);
        const keys = keysOfRecord(input.envelope, input.source);
        written.push(...taken.written.map((envelope) => ({ partition, envelope, keys })));
      },
      {
        partitions: rereading,
        from: new Map([
          [
            inputTopic,
            new Map([...restored].map(([partition, snapshot]) => [partition, BigInt(snapshot.lastInput.offset)])),
          ],
        ]),
      },
    );
  }
  const rebuilt: RebuiltState<T, State> = {
    partitions: states,
    folded,
    events,
    reread,
    written,
    restored: restored.size,
  };
  if (stale.size === 0) return rebuilt;
  options.say?.(
    `the snapshots of ${team}'s partitions ${[...stale].join(', ')} are ignored: the input record they end at is not ` +
      'the one they took (a topic created again); rebuilding them from offset 0',
  );
  const again = await rebuildTeamState(log, scope, decider, { ...options, only: stale, snapshots: undefined });
  return {
    partitions: new Map([...states, ...again.partitions]),
    folded: new Map([...folded, ...again.folded]),
    events: events + again.events,
    reread: reread + again.reread,
    written: [...written.filter(({ partition }) => !stale.has(partition)), ...again.written],
    restored: restored.size - stale.size,
  };
}

// The snapshots of the partitions that can stand for them now; a line for each one ignored, and why.
async function loadSnapshots(
  log: EventLog,
  scope: string,
  team: Team,
  wanted: ReadonlySet<number>,
  partitions: number,
  store: SnapshotStore,
  say: (line: string) => void,
): Promise<Map<number, PartitionSnapshot>> {
  const topics = topicsOf(scope);
  const [ownEnds, inputEnds] = await Promise.all([
    log.endOffsets(topics.teamEvents[team]),
    log.endOffsets(topics.teamInputs[team]),
  ]);
  const restored = new Map<number, PartitionSnapshot>();
  for (const partition of wanted) {
    const loaded = store.load(team, partition);
    if (loaded.kind === 'missing') continue;
    const why =
      loaded.kind === 'ignored'
        ? loaded.reason
        : staleness(
            loaded.snapshot,
            { team, scope, partition, partitions, key: TEAM_KEYS[team] },
            ownEnds,
            inputEnds.get(partition) ?? 0n,
          );
    if (why !== null || loaded.kind !== 'loaded') {
      say(`the snapshot of ${team}'s partition ${partition} is ignored: ${why}; rebuilding it from offset 0`);
      continue;
    }
    restored.set(partition, loaded.snapshot);
  }
  return restored;
}

function earliestOwnOffsets(snapshots: readonly PartitionSnapshot[]): Map<number, bigint> {
  const earliest = new Map<number, bigint>();
  for (const snapshot of snapshots) {
    for (const [partition, offset] of Object.entries(snapshot.ownFoldedTo)) {
      const known = earliest.get(Number(partition));
      if (known === undefined || BigInt(offset) < known) earliest.set(Number(partition), BigInt(offset));
    }
  }
  return earliest;
}

function encodeTeamEvent(unwritten: Unwritten<Team>): OutgoingRecord {
  return { ...encodeEnvelope(unwritten.envelope), headers: keysHeaders(unwritten.keys) };
}

export async function startTeamRunner<T extends Team, State>(
  decider: TeamDecider<T, State>,
  deps: TeamRunnerDeps,
): Promise<TeamRunner<State>> {
  const { log, clock } = deps;
  const team = decider.team;
  const topics = topicsOf(deps.scope);
  const ownTopic = topics.teamEvents[team];
  const inputTopic = topics.teamInputs[team];
  const deadLetter = (record: LogRecord, refusal: Refusal) =>
    log.appendDeadLetter(topics.deadLetter, deadLetterOf(record, refusal, team));
  const decodeInput = inputDecoder(deps.scope, decider);
  const decodeTeamTopic = teamTopicDecoder(deps.scope, decider.reads);
  const partitionCount = await log.partitionCount(inputTopic);

  // The instance's two groups: its input, and its re-keying. A crash of either stops both, then tells the owner.
  const subscriptions: Subscription[] = [];
  const stop = async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
  };
  let crashed = false;
  let crashedBeforeReady: () => void = () => undefined;
  const crashedWhileStarting = new Promise<void>((resolve) => (crashedBeforeReady = resolve));
  const crash = (error: Error) => {
    if (crashed) return;
    crashed = true;
    crashedBeforeReady();
    void stop().finally(() => deps.onCrash(error));
  };

  // Each partition of the input this instance holds: its state, and what it decided on rebuilding that is not on
  // its topic yet, appended with the partition's first batch.
  interface Held {
    readonly state: TeamState<State>;
    readonly unwritten: readonly Unwritten<T>[];
    // How many of its own events the state holds, and the records taken since the last snapshot, and when that was.
    readonly folded: number;
    readonly sinceSnapshot: number;
    readonly snapshotAt: number;
  }
  let rebuiltFrom = 0;
  let reread = 0;
  let restored = 0;
  const policy = deps.snapshots ?? null;
  const held = new HeldPartitions<Held>(
    inputTopic,
    async (partitions) => {
      const rebuilt = await rebuildTeamState(log, deps.scope, decider, {
        only: partitions,
        onPoison: deadLetter,
        clock,
        snapshots: policy?.store,
        say: deps.say,
      });
      rebuiltFrom += rebuilt.events;
      reread += rebuilt.reread;
      restored += rebuilt.restored;
      return new Map(
        [...rebuilt.partitions].map(([partition, state]) => [
          partition,
          {
            state,
            unwritten: rebuilt.written.filter((each) => each.partition === partition),
            folded: rebuilt.folded.get(partition) ?? 0,
            sinceSnapshot: 0,
            snapshotAt: Date.now(),
          },
        ]),
      );
    },
    crash,
  );

  // The partition's state as it stands after `last`, its events acknowledged: written now and then.
  const snapshotOf = async (partition: number, holding: Held, last: LogRecord): Promise<void> => {
    if (!policy) return;
    const ownEnds = await log.endOffsets(ownTopic);
    policy.store.save({
      schema: SNAPSHOT_SCHEMA,
      team,
      scope: deps.scope,
      partition,
      partitions: partitionCount,
      key: TEAM_KEYS[team],
      lastInput: { offset: last.offset, digest: inputDigest(last) },
      ownFoldedTo: Object.fromEntries([...ownEnds].map(([own, end]) => [String(own), end.toString()])),
      events: holding.folded,
      state: encodeState(holding.state),
    });
  };

  // One call per batch of records from one partition of the input, in offset order; one batch at a time.
  const handleRecords = async (records: readonly LogRecord[], commit: (record: LogRecord) => Promise<void>) => {
    const partition = records[0].partition;
    const holding = held.get(partition);
    // Taken away since the batch was fetched: it is delivered again to the instance that holds the partition now.
    if (!holding) return;
    // The draft lets each record see the decisions on the records before it in the batch. It becomes the
    // partition's state only once the events are acknowledged; if anything fails, the runner is thrown away.
    let draft = holding.state;
    const newEvents: Unwritten<T>[] = [...holding.unwritten];
    const adopt = (taken: Taken<T, State>, keys: ReturnKeys) => {
      draft = taken.state;
      newEvents.push(...taken.written.map((envelope) => ({ partition, envelope, keys })));
    };
    for (const record of records) {
      const input = decodeInput(record);
      if (input.kind === 'poison') {
        await deadLetter(input.source, input.poison);
        continue;
      }
      const keys = keysOfRecord(input.envelope, input.source);
      if (input.kind === 'request') {
        const request = input.envelope;
        const taken = takeRequest(decider, draft, request, clock);
        if (taken.answer.kind === 'conflicting-duplicate') {
          const { firstContentId, laterContentId } = taken.answer;
          await deadLetter(input.source, conflictingDuplicate(request.returnId, team, firstContentId, laterContentId));
          continue;
        }
        adopt(taken, keys);
        continue;
      }
      adopt(takeTeamEvent(decider, draft, input.envelope, clock), keys);
    }
    // Append and wait for the acknowledgement, then adopt the state, then commit. A crash in between leaves the
    // records uncommitted: they come again, to a runner rebuilt from the topics, which finds them taken.
    for (let start = 0; start < newEvents.length; start += DEFAULT_MAX_RECORDS_PER_APPEND) {
      await log.append(ownTopic, newEvents.slice(start, start + DEFAULT_MAX_RECORDS_PER_APPEND).map(encodeTeamEvent));
    }
    const last = records[records.length - 1];
    const sinceSnapshot = holding.sinceSnapshot + records.length;
    const due =
      policy !== null && (sinceSnapshot >= policy.everyRecords || Date.now() - holding.snapshotAt >= policy.everyMs);
    const next: Held = {
      state: draft,
      unwritten: [],
      folded: holding.folded + newEvents.length,
      sinceSnapshot: due ? 0 : sinceSnapshot,
      snapshotAt: due ? Date.now() : holding.snapshotAt,
    };
    if (!held.replace(partition, holding, next)) return;
    await commit(last);
    // After the commit: a snapshot never covers a record the group would deliver again. One that cannot be written
    // costs only a longer restart, so it is said and the team goes on.
    if (due) {
      await snapshotOf(partition, next, last).catch((error: unknown) =>
        deps.say?.(`the snapshot of partition ${partition} was not written: ${(error as Error).message}`),
      );
    }
  };

  // The re-keying: each record of the topics the team reads, to the partition of its key in the team's input.
  // Poison stops here, reported once. For a team not keyed by returnId, a request goes where the first request
  // under its returnId went: the re-keying holds, for each partition of the requests it is given, the team's key of
  // every return in it, built from the team's own decisions of those returns and from the requests.
  const admitsRequests = decider.readsRequests && routesRequestsByFirstKey(team);
  const requestPartitions = admitsRequests ? await log.partitionCount(topics.requests) : 0;
  const admitted = new HeldPartitions<Map<string, string>>(
    topics.requests,
    async (partitions) => {
      const keys = new Map([...partitions].map((partition) => [partition, new Map<string, string>()]));
      const admit = (envelope: AnyEnvelope) => {
        const key = teamKeyOf(team, envelope);
        const ofPartition = keys.get(partitionOfKey(envelope.returnId, requestPartitions));
        if (key !== undefined && ofPartition && !ofPartition.has(envelope.returnId)) {
          ofPartition.set(envelope.returnId, key);
        }
      };
      // The team's own topic is keyed by returnId too; read whole when its partitions are not those of the requests.
      const ownPartitions = await log.partitionCount(ownTopic);
      await log.readToEnd(
        [ownTopic],
        (record) => {
          const decoded = decodeTeamEvent(record, team);
          if (decoded.ok) admit(decoded.envelope);
        },
        ownPartitions === requestPartitions ? { partitions: partitions } : undefined,
      );
      await log.readToEnd(
        [topics.requests],
        (record) => {
          const decoded = decodeRequest(record);
          if (decoded.ok) admit(decoded.envelope);
        },
        { partitions },
      );
      return keys;
    },
    crash,
  );
  const reKeyRecords = async (records: readonly LogRecord[], commit: (record: LogRecord) => Promise<void>) => {
    const forwarded: OutgoingRecord[] = [];
    const admitting =
      admitsRequests && records[0].topic === topics.requests ? admitted.get(records[0].partition) : null;
    // Taken away since the batch was fetched: delivered again to the member that holds it now.
    if (admitting === undefined) return;
    for (const record of records) {
      const decoded = record.topic === topics.requests ? decodeRequest(record) : decodeTeamTopic(record);
      if (decoded === null) throw new Error(`${team} does not read ${record.topic}`);
      if (!decoded.ok) {
        await deadLetter(record, decoded);
        continue;
      }
      const { envelope } = decoded;
      let admittedKey: string | undefined;
      if (admitting) {
        admittedKey = admitting.get(envelope.returnId) ?? teamKeyOf(team, envelope);
        if (admittedKey !== undefined) admitting.set(envelope.returnId, admittedKey);
      }
      forwarded.push(...reKeyed(team, record, envelope, partitionCount, admittedKey));
    }
    await log.append(inputTopic, forwarded);
    await commit(records[records.length - 1]);
  };

  const reads = topicsReadBy(topics, team);
  try {
    subscriptions.push(
      await log.subscribe({
        groupId: teamGroupId(deps.scope, team),
        topics: [inputTopic],
        onRecords: handleRecords,
        onFailure: crash,
        onAssignment: held.assign,
        beforeRecords: held.ready,
      }),
    );
    subscriptions.push(
      await log.subscribe({
        groupId: reKeyingGroupId(deps.scope, team),
        topics: reads,
        onRecords: reKeyRecords,
        onFailure: crash,
        ...(admitsRequests ? { onAssignment: admitted.assign, beforeRecords: admitted.ready } : {}),
      }),
    );
    // A crash before then (a group coordinator still loading on a broker just started, say) stopped a subscription
    // that may never see a rebalance: this one stops too.
    if (crashed) await stop();
    // Ready once the partitions of its first rebalances are built, or once it crashed: its owner, told by onCrash,
    // starts it again.
    await Promise.race([
      Promise.all([held.firstBuilt, admitsRequests ? admitted.firstBuilt : undefined]),
      crashedWhileStarting,
    ]);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    team,
    rebuiltFrom,
    reread,
    restored,
    reads,
    partitions: () => held.entries().map(([partition]) => partition),
    state: () => new Map(held.entries().map(([partition, { state }]) => [partition, state.decided])),
    stop,
  };
}

// What a team says once it is ready: what it rebuilt its state from, what it re-keys, and which partitions of its
// input it decides on. The figure of its own events comes first, where the benchmark reads it.
export function readyLine(runner: TeamRunner, groupId: string): string {
  const reread = runner.reread > 0 ? ` and ${runner.reread} records of its input` : '';
  const restored = runner.restored > 0 ? `, ${runner.restored} partition(s) from snapshots` : '';
  const partitions = runner.partitions();
  const deciding = partitions.length > 0 ? `partitions ${partitions.join(', ')}` : 'no partition yet';
  return (
    `state rebuilt from ${runner.rebuiltFrom} events${reread}${restored}; re-keying ${runner.reads.join(', ')}; ` +
    `deciding on ${deciding} of its input as ${groupId}`
  );
}

// Each team's own decider, chosen by name (the per-team process and the deployment start teams by name).
export function startTeamRunnerOf(team: Team, deps: TeamRunnerDeps): Promise<TeamRunner> {
  return startTeamRunner(TEAM_DECIDERS[team], deps);
}

// Several instances of one team in one process, each a member of the team's groups as a process of its own would be,
// seen as one runner: its partitions and states are theirs together. They start one after the other, so each start
// is a rebalance that moves partitions between them. One that crashes stops the others, and onCrash is told once.
export async function startTeamInstancesOf(team: Team, instances: number, deps: TeamRunnerDeps): Promise<TeamRunner> {
  const runners: TeamRunner[] = [];
  let crashed = false;
  const stopAll = () => Promise.all(runners.map((runner) => runner.stop())).then(() => undefined);
  const onCrash = (error: Error) => {
    if (crashed) return;
    crashed = true;
    void stopAll().finally(() => deps.onCrash(error));
  };
  try {
    // After a crash, no further instance starts: the owner starts the team again, all of it.
    for (let instance = 0; instance < instances && !crashed; instance++) {
      runners.push(await startTeamRunnerOf(team, { ...deps, onCrash }));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  if (runners.length === 1) return runners[0];
  return {
    team,
    rebuiltFrom: runners.reduce((sum, runner) => sum + runner.rebuiltFrom, 0),
    reread: runners.reduce((sum, runner) => sum + runner.reread, 0),
    restored: runners.reduce((sum, runner) => sum + runner.restored, 0),
    reads: runners[0].reads,
    partitions: () => runners.flatMap((runner) => runner.partitions()).sort((a, b) => a - b),
    state: () => new Map(runners.flatMap((runner) => [...runner.state()])),
    stop: stopAll,
  };
}
