// The whole event-sourced model in one process: User Support's publisher, the five team runners and a live
// return-status projection. The start script, the parity and fault suites and the benchmark drive the model
// through this; any team can be stopped and started again, as if its service went down and came back.
import type { Config } from '../config';
import { missingTeams, type ReturnOutcome, type Team, TEAMS, teamHasSettled, type TeamRecords } from '../domain';
import { watchBroker } from './broker-watch';
import {
  deadLetterOf,
  decodeDeadLetter,
  decodeTeamEvent,
  type Poison,
  type RequestEnvelope,
  type TeamEventEnvelope,
} from './envelope';
import { type ConsumerTuning, connectEventLog, type DeadLetter, type EventLog, type LogRecord } from './event-log';
import {
  type AuditEntry,
  type LiveReturnStatus,
  readReturnStatus,
  tailReturnStatus,
} from './projections/return-status.projection';
import { createPublisher } from './publisher';
import { defaultSnapshotPolicy, type SnapshotPolicy } from './snapshots';
import { readyLine, startTeamInstancesOf, type TeamRunner } from './team-runner';
import { reKeyingGroupId, TEAM_DECIDERS, teamGroupId } from './teams';
import { partitionMismatchNotice, type Topics, topicSpecs, topicsOf, topicsReadBy } from './topics';

export interface EventSourcedDeploymentOptions {
  // The team runners to run in this process (default: all five). The others may run as their own processes.
  readonly teams?: readonly Team[];
  readonly clock?: () => string;
  readonly log?: (line: string) => void;
  // A crashed team is started again after this many milliseconds, as a process supervisor would restart it;
  // null leaves it crashed until startTeam is called. Default 1000.
  readonly restartCrashedTeamsAfterMs?: number | null;
  // Decorates the event log everything in this process reads and writes through, after emmett's WrapEventStore:
  // the seam to put a fault or a probe around the log from outside.
  readonly wrapLog?: (log: EventLog) => EventLog;
  readonly tuning?: Partial<ConsumerTuning>;
  // How many instances of each team run in this process, each a member of the team's groups (default: the
  // configuration's TEAM_INSTANCES).
  readonly instances?: number;
  // Where and how often the teams write snapshots of their state (default: defaultSnapshotPolicy); null for none.
  readonly snapshots?: SnapshotPolicy | null;
  // While returns are awaited and Kafka does not answer, the deployment says so once and waits for it; after this
  // long it fails the waits with what to do (null: wait for it forever). Default 300 000 (5 minutes): a broker
  // restart on a loaded machine takes up to the stack's own 180 s health limit, and a rerun in the same scope
  // resumes where this one stopped.
  readonly brokerAwayLimitMs?: number | null;
}

export type TeamStatus = 'starting' | 'running' | 'crashed' | 'stopped';

export interface TeamEventRecord {
  readonly envelope: TeamEventEnvelope;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  // Called once per team, as soon as its record for the return stands (at once for those that stand already): a
  // unit held until the verdict is not the team's answer yet.
  readonly onTeamRecord?: (team: Team, records: TeamRecords) => void;
}

export interface EventSourcedDeployment {
  readonly config: Config;
  readonly topics: Topics;
  readonly eventLog: EventLog;
  // Validates, then publishes one RefundRequested. Throws InvalidRefundRequestError when the request is invalid.
  publish(request: unknown): Promise<RequestEnvelope>;
  // Publishes, then waits for the outcome.
  submit(request: unknown, options?: WaitOptions): Promise<ReturnOutcome>;
  waitForOutcome(returnId: string, options?: WaitOptions): Promise<ReturnOutcome>;
  // What each team has recorded for the return so far, by the live projection.
  recordsOfReturn(returnId: string): TeamRecords;
  startTeam(team: Team): Promise<void>;
  // Finishes the team's records in hand and leaves its group; new records wait on their topics.
  stopTeam(team: Team): Promise<void>;
  runningTeams(): Team[];
  teamStatus(team: Team): TeamStatus;
  // The running team's state, partition by partition of its input, as its instances hold it.
  teamState(team: Team): ReadonlyMap<number, unknown>;
  // Records the team has not taken yet: those its re-keying has not committed on the topics it reads (requests,
  // and the events of the teams it reads), and those its group has not committed on its input.
  teamLag(team: Team): Promise<number>;
  // True when every team has taken every record it reads. Each team's lag is read after those of the teams it
  // reads, so an event written by a team that had just taken its last record is counted by its readers.
  caughtUp(): Promise<boolean>;
  // Everything on the team's topic, duplicates included, in each partition's order.
  readTeamEvents(team: Team): Promise<TeamEventRecord[]>;
  readDeadLetters(): Promise<DeadLetter[]>;
  // The return's team events, in the order they occurred, each with where it is stored.
  auditTrail(returnId: string): Promise<AuditEntry[]>;
  // True while returns are awaited and Kafka has stopped answering, until it answers again.
  brokerIsDown(): boolean;
  close(): Promise<void>;
}

export async function startEventSourcedDeployment(
  config: Config,
  options: EventSourcedDeploymentOptions = {},
): Promise<EventSourcedDeployment> {
  const say = options.log ?? (() => undefined);
  const clock = options.clock ?? (() => new Date().toISOString());
  const restartAfterMs = options.restartCrashedTeamsAfterMs === undefined ? 1000 : options.restartCrashedTeamsAfterMs;
  const topics = topicsOf(config.scope);
  const connected = await connectEventLog({
    brokers: config.kafkaBrokers,
    clientId: `${config.scope}.event-sourced`,
    log: say,
    tuning: options.tuning,
  });
  const log = options.wrapLog ? options.wrapLog(connected) : connected;

  const runners = new Map<Team, TeamRunner>();
  const starting = new Map<Team, Promise<void>>();
  const crashed = new Set<Team>();
  const restartTimers = new Map<Team | 'projection', NodeJS.Timeout>();
  const waiters = new Map<string, Set<() => void>>();
  let projectionFailure: Error | undefined;
  let brokerGone: Error | undefined;
  let closed = false;
  // A team or the projection fails again and again while the broker is away: say each failure once, not each retry.
  const lastFailure = new Map<Team | 'projection', string>();
  const sayFailure = (who: Team | 'projection', line: string, message: string): boolean => {
    if (broker.isDown() || lastFailure.get(who) === message) return false;
    lastFailure.set(who, message);
    say(line);
    return true;
  };
  const broker = watchBroker({
    brokers: config.kafkaBrokers,
    say,
    giveUpAfterMs: options.brokerAwayLimitMs === undefined ? 300_000 : options.brokerAwayLimitMs,
    onGiveUp: (error) => {
      brokerGone = error;
      wakeAll();
      brokerGone = undefined;
    },
  });

  const deadLetterAs =
    (reportedBy: string) =>
    (record: LogRecord, poison: Poison): Promise<void> =>
      log.appendDeadLetter(topics.deadLetter, deadLetterOf(record, poison, reportedBy));

  const wake = (returnId: string) => {
    for (const waiter of waiters.get(returnId) ?? []) waiter();
  };
  const wakeAll = () => {
    for (const returnId of waiters.keys()) wake(returnId);
  };

  // The live projection is rebuilt from the beginning when it fails, like a team; waiters keep waiting.
  let live: LiveReturnStatus;
  async function startProjection(): Promise<void> {
    // let, assigned apart: onFailure may run before the tail resolves, and must then find undefined, not a TDZ error.
    let started: LiveReturnStatus | undefined;
    // eslint-disable-next-line prefer-const -- see above
    started = await tailReturnStatus(log, config.scope, {
      onEvent: (envelope) => wake(envelope.returnId),
      onPoison: deadLetterAs('return-status'),
      onFailure: (error) => {
        if (started && live === started) projectionFailed(error);
      },
    });
    live = started;
    lastFailure.delete('projection');
    wakeAll();
  }
  function projectionFailed(error: Error): void {
    sayFailure('projection', `the return-status projection stopped: ${error.message}`, error.message);
    if (closed) return;
    if (restartAfterMs === null) {
      projectionFailure = error;
      wakeAll();
      return;
    }
    restartTimers.set(
      'projection',
      setTimeout(() => {
        restartTimers.delete('projection');
        if (!closed) startProjection().catch((restartError: unknown) => projectionFailed(restartError as Error));
      }, restartAfterMs),
    );
  }
  try {
    const notice = partitionMismatchNotice(await log.ensureTopics(topicSpecs(config)));
    if (notice) say(notice);
    await startProjection();
  } catch (error) {
    broker.stop();
    await log.close();
    throw error;
  }
  const publisher = createPublisher(log, config.scope, clock);
  // A publish that fails because the broker is gone says so, as an error a person can act on.
  const publish = async (request: unknown): Promise<RequestEnvelope> => {
    try {
      return await publisher.publish(request);
    } catch (error) {
      throw await broker.explain(error);
    }
  };

  function handleCrash(team: Team, error: Error): void {
    runners.delete(team);
    crashed.add(team);
    const said = sayFailure(team, `${team} crashed: ${error.message}`, error.message);
    if (closed || restartAfterMs === null) return;
    if (said) say(`${team} restarts in ${restartAfterMs} ms`);
    restartTimers.set(
      team,
      setTimeout(() => {
        restartTimers.delete(team);
        startTeam(team).catch((restartError: unknown) => handleCrash(team, restartError as Error));
      }, restartAfterMs),
    );
  }

  async function launch(team: Team): Promise<void> {
    // let, assigned apart: onCrash may run before the runner resolves, and must then find undefined, not a TDZ error.
    let runner: TeamRunner | undefined;
    let crashedWhileStarting: Error | undefined;
    // eslint-disable-next-line prefer-const -- see above
    runner = await startTeamInstancesOf(team, options.instances ?? config.teamInstances, {
      snapshots: options.snapshots === undefined ? defaultSnapshotPolicy(config) : options.snapshots,
      say: (line) => say(`${team}: ${line}`),
      log,
      scope: config.scope,
      clock,
      onCrash: (error) => {
        if (runner && runners.get(team) === runner) handleCrash(team, error);
        else if (!runner) crashedWhileStarting = error;
      },
    });
    crashed.delete(team);
    if (crashedWhileStarting) return handleCrash(team, crashedWhileStarting);
    lastFailure.delete(team);
    runners.set(team, runner);
    say(`${team} ready: ${readyLine(runner, teamGroupId(config.scope, team))}`);
  }

  function startTeam(team: Team): Promise<void> {
    if (closed) return Promise.reject(new Error('The event-sourced deployment is closed'));
    if (runners.has(team)) return Promise.resolve();
    clearTimeout(restartTimers.get(team));
    restartTimers.delete(team);
    let pending = starting.get(team);
    if (!pending) {
      pending = launch(team).finally(() => starting.delete(team));
      starting.set(team, pending);
    }
    return pending;
  }

  async function stopTeam(team: Team): Promise<void> {
    clearTimeout(restartTimers.get(team));
    restartTimers.delete(team);
    await starting.get(team)?.catch(() => undefined);
    crashed.delete(team);
    const runner = runners.get(team);
    if (!runner) return;
    runners.delete(team);
    await runner.stop();
  }

  function teamStatus(team: Team): TeamStatus {
    if (runners.has(team)) return 'running';
    if (starting.has(team)) return 'starting';
    if (crashed.has(team)) return 'crashed';
    return 'stopped';
  }

  function waitForOutcome(returnId: string, { timeoutMs, onTeamRecord }: WaitOptions = {}): Promise<ReturnOutcome> {
    return new Promise((resolve, reject) => {
      const reported = new Set<Team>();
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        waiters.get(returnId)?.delete(check);
        if (waiters.get(returnId)?.size === 0) waiters.delete(returnId);
        broker.awaiting(waiters.size > 0);
      };
      function check(): void {
        if (projectionFailure || brokerGone || closed) {
          done();
          reject(projectionFailure ?? brokerGone ?? new Error(`The deployment closed while ${returnId} was awaited`));
          return;
        }
        const records = live.projection.records(returnId);
        for (const team of TEAMS) {
          if (teamHasSettled(team, records) && !reported.has(team)) {
            reported.add(team);
            onTeamRecord?.(team, records);
          }
        }
        const outcome = live.projection.outcome(returnId);
        if (outcome) {
          done();
          resolve(outcome);
        }
      }
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          done();
          const missing = missingTeams(live.projection.records(returnId));
          reject(
            new Error(
              `${returnId} did not complete within ${timeoutMs} ms; nothing standing yet from ${missing.join(', ')}`,
            ),
          );
        }, timeoutMs);
      }
      const forReturn = waiters.get(returnId) ?? new Set();
      forReturn.add(check);
      waiters.set(returnId, forReturn);
      broker.awaiting(true);
      check();
    });
  }

  async function readTeamEvents(team: Team): Promise<TeamEventRecord[]> {
    const events: TeamEventRecord[] = [];
    // A raw look at the topic: poison is left out here, since the team and the projections report it.
    await log.readToEnd([topics.teamEvents[team]], (record) => {
      const decoded = decodeTeamEvent(record, team);
      if (decoded.ok) {
        events.push({
          envelope: decoded.envelope,
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
        });
      }
    });
    return events;
  }

  async function readDeadLetters(): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    await log.readToEnd([topics.deadLetter], (record) => {
      letters.push(decodeDeadLetter(record));
    });
    return letters;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    broker.stop();
    for (const timer of restartTimers.values()) clearTimeout(timer);
    restartTimers.clear();
    await Promise.all([...starting.values()].map((pending) => pending.catch(() => undefined)));
    await Promise.all([...runners.keys()].map((team) => stopTeam(team)));
    await live.subscription.stop();
    await log.close();
    wakeAll();
  }

  const deployment: EventSourcedDeployment = {
    config,
    topics,
    eventLog: log,
    publish,
    submit: async (request, waitOptions) => {
      const published = await publish(request);
      return waitForOutcome(published.returnId, waitOptions);
    },
    waitForOutcome,
    recordsOfReturn: (returnId) => live.projection.records(returnId),
    startTeam,
    stopTeam,
    runningTeams: () => TEAMS.filter((team) => runners.has(team)),
    teamStatus,
    teamState: (team) => {
      const runner = runners.get(team);
      if (!runner) throw new Error(`${team} is not running in this process`);
      return runner.state();
    },
    // The re-keying's lag first: a record it forwards meanwhile is then counted on the input, never missed.
    teamLag: async (team) =>
      (await log.lag(reKeyingGroupId(config.scope, team), topicsReadBy(topics, team))) +
      (await log.lag(teamGroupId(config.scope, team), [topics.teamInputs[team]])),
    async caughtUp() {
      for (const team of TEAMS_AFTER_THEIR_INPUTS) {
        if ((await deployment.teamLag(team)) > 0) return false;
      }
      return true;
    },
    readTeamEvents,
    readDeadLetters,
    auditTrail: async (returnId) =>
      (await readReturnStatus(log, config.scope, deadLetterAs('audit'))).auditTrail(returnId),
    brokerIsDown: () => broker.isDown(),
    close,
  };
  try {
    await Promise.all((options.teams ?? TEAMS).map((team) => startTeam(team)));
  } catch (error) {
    await close();
    throw error;
  }
  return deployment;
}

// The teams, each after every team it reads.
const TEAMS_AFTER_THEIR_INPUTS: readonly Team[] = (() => {
  const ordered: Team[] = [];
  while (ordered.length < TEAMS.length) {
    const next = TEAMS.filter(
      (team) => !ordered.includes(team) && TEAM_DECIDERS[team].reads.every((read) => ordered.includes(read)),
    );
    if (next.length === 0) throw new Error('The teams read each other in a circle: no team comes first');
    ordered.push(...next);
  }
  return ordered;
})();
