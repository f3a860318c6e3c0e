// The event-sourced model under fault: team subscribers SIGKILLed at random, killed at the crash point between
// appending and committing (and the same with idempotency off, the negative control), one team stopped for a
// while, and the Kafka broker restarted under load.
import { type Team, TEAMS } from '../../domain';
import { FaultChecker } from '../checker';
import { type Drive, driveReturns, inFlightFor } from '../drive';
import {
  armCrashPoint,
  type CrashPoint,
  describeKillRecovery,
  describeKills,
  killAtRandomMoments,
  describeProbes,
  finishedWithin,
  maxRecovery,
  type ProbeFigures,
  probeWhile,
  processOf,
  recoveryOf,
  unexpectedExits,
} from '../inject';
import { type EventSourcedUnderTest, startEventSourcedModel } from '../models';
import {
  delay,
  faultReturns,
  formatSeconds,
  judge,
  type Scenario,
  type ScenarioContext,
  seconds,
  withModel,
} from '../scenario';
import { restartServer } from '../servers';

// A team that died without leaving its group is replaced once the broker gives up on it: the 6 s session timeout,
// plus the new process's start.
const ANSWER_TIMEOUT_MS = 120_000;

function startModel(
  context: ScenarioContext,
  label: string,
  extra: Partial<Parameters<typeof startEventSourcedModel>[0]> = {},
) {
  return () => startEventSourcedModel({ base: context.base, label, log: context.debug, ...extra });
}

async function lagsOf(model: EventSourcedUnderTest): Promise<Record<Team, number>> {
  const lags = await Promise.all(TEAMS.map((team) => model.lag(team)));
  return Object.fromEntries(TEAMS.map((team, index) => [team, lags[index]])) as Record<Team, number>;
}

// Every team's committed offsets caught up with the request topic: no consumer left stuck.
async function lagsSettle(
  model: EventSourcedUnderTest,
  timeoutMs: number,
): Promise<{ settledMs: number | null; lags: Record<Team, number> }> {
  const started = performance.now();
  let lags = {} as Record<Team, number>;
  for (;;) {
    lags = await lagsOf(model);
    if (TEAMS.every((team) => lags[team] === 0)) return { settledMs: performance.now() - started, lags };
    if (performance.now() - started > timeoutMs) return { settledMs: null, lags };
    await delay(200);
  }
}

// Waits (up to a few seconds) for a moment when the victim has requests it has not committed: the kill then
// lands while it holds work. Says how many.
async function requestsInHand(model: EventSourcedUnderTest, team: Team): Promise<Record<string, number>> {
  const deadline = performance.now() + 3_000;
  for (;;) {
    const lag = await model.lag(team);
    if (lag > 0 || performance.now() > deadline) return { uncommittedAtKill: lag };
    await delay(20);
  }
}

function lagProblems(settled: { settledMs: number | null; lags: Record<Team, number> }): string[] {
  return settled.settledMs === null ? [`a consumer group never caught up: lag ${JSON.stringify(settled.lags)}`] : [];
}

export const eventSourcedKills: Scenario = {
  id: 'es-kill-subscribers',
  title: 'team subscribers SIGKILLed at random moments',
  model: 'event-sourced',
  async run(context) {
    const startedAt = performance.now();
    const requests = faultReturns(context.sizes.returns);
    return withModel(startModel(context, 'es-kills'), async (model) => {
      const checker = new FaultChecker();
      const drive = driveReturns(model, requests, {
        checker,
        concurrency: context.sizes.concurrency,
        answerTimeoutMs: ANSWER_TIMEOUT_MS,
        report: context.progress,
      });
      const kills = await killAtRandomMoments(model, drive, {
        kills: context.sizes.kills,
        total: requests.length,
        roles: TEAMS,
        seed: context.seed,
        recoveryTimeoutMs: ANSWER_TIMEOUT_MS,
        evidence: (role) => requestsInHand(model, role as Team),
        progress: context.progress,
      });
      const driven = await drive.done;
      const settled = await lagsSettle(model, 60_000);
      const check = checker.check(await model.effects());
      const ownProblems = lagProblems(settled);
      if (kills.length < context.sizes.kills)
        ownProblems.push(`only ${kills.length} of ${context.sizes.kills} kills happened`);
      const uncommitted = kills.reduce((sum, kill) => sum + (kill.evidence.uncommittedAtKill ?? 0), 0);
      const notes =
        uncommitted === 0 ? ['no kill found the victim with a request uncommitted: none hit it mid-batch'] : [];
      return judge(
        {
          id: this.id,
          title: this.title,
          model: this.model,
          returns: requests.length,
          faults: `${kills.length} SIGKILLs (${describeKills(kills)}); ${uncommitted} requests uncommitted at the kills`,
          recovery: describeKillRecovery(kills),
          details: {
            kills,
            unexpectedExits: unexpectedExits(model),
            lagsSettledSeconds: settled.settledMs === null ? null : seconds(settled.settledMs),
          },
          ownProblems,
          notes,
        },
        check,
        driven,
        startedAt,
      );
    });
  },
};

// The named crash point of every team, one return each: the process dies after its events are acknowledged and
// before it commits the request. With idempotency on nothing is decided twice; off, the same crash duplicates.
function crashPointScenario(negativeControl: boolean): Scenario {
  return {
    id: negativeControl ? 'es-negative-control' : 'es-crash-point',
    title: negativeControl
      ? 'negative control: crash point with idempotency off'
      : 'every subscriber killed at the crash point (after append, before commit)',
    model: 'event-sourced',
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.fewerReturns);
      const points: CrashPoint[] = [];
      const recovered: Promise<void>[] = [];
      let drive: Drive | undefined;
      const start = startModel(context, negativeControl ? 'es-negative' : 'es-crash-point', {
        negativeControl,
        beforeStart: (model) => {
          TEAMS.forEach((team, index) => {
            const returnId = requests[Math.floor(requests.length * (0.2 + 0.15 * index))].returnId;
            const armed = armCrashPoint(model, () => drive, team, returnId, ANSWER_TIMEOUT_MS);
            points.push(armed.point);
            recovered.push(armed.recovered);
          });
        },
      });
      return withModel(start, async (model) => {
        const checker = new FaultChecker();
        drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: ANSWER_TIMEOUT_MS,
          report: context.progress,
        });
        const driven = await drive.done;
        const reached = points.filter((point) => point.reached);
        await Promise.all(recovered.filter((_, index) => points[index].reached));
        const settled = await lagsSettle(model, 60_000);
        const check = checker.check(await model.effects());
        const ownProblems = [
          ...points
            .filter((point) => !point.reached)
            .map((point) => `${point.role} never reached its crash point at ${point.returnId}`),
          ...(negativeControl ? [] : lagProblems(settled)),
        ];
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            returns: requests.length,
            faults: `${reached.length} crash points reached (${reached.map((point) => point.role).join(', ')})`,
            expectation: negativeControl ? 'duplicates' : 'clean',
            recovery: `crash → held returns answered: max ${maxRecovery(reached.map((point) => point.recoveryMs))}`,
            details: { crashPoints: points, unexpectedExits: unexpectedExits(model) },
            ownProblems,
          },
          check,
          driven,
          startedAt,
        );
      });
    },
  };
}

export const eventSourcedCrashPoint = crashPointScenario(false);
export const eventSourcedNegativeControl = crashPointScenario(true);

export interface LagSample {
  readonly atMs: number;
  readonly lags: Readonly<Record<Team, number>>;
}

// One team stopped cleanly (SIGTERM) for the outage while returns keep coming: the other teams keep answering
// with their lag near 0; the stopped one resumes from its last commit and catches up.
export const eventSourcedOutage: Scenario = {
  id: 'es-team-outage',
  title: 'one team stopped while returns keep coming',
  model: 'event-sourced',
  async run(context) {
    const startedAt = performance.now();
    const requests = faultReturns(context.sizes.returns);
    const stopped: Team = 'manufacturing';
    const others = TEAMS.filter((team) => team !== stopped);
    return withModel(startModel(context, 'es-outage'), async (model) => {
      const checker = new FaultChecker();
      const drive = driveReturns(model, requests, {
        checker,
        concurrency: context.sizes.concurrency,
        answerTimeoutMs: ANSWER_TIMEOUT_MS + context.sizes.outageMs,
        report: context.progress,
      });
      const ownProblems: string[] = [];
      let window: { stoppedAt: number; restartedAt: number } | undefined;
      const samples: LagSample[] = [];
      let backlogAtRestart = 0;
      let catchUp: number | null = null;
      try {
        await drive.whenCompleted(Math.floor(requests.length * 0.2));
        const child = processOf(model, stopped);
        const stoppedAt = Date.now();
        const stoppedAtMs = performance.now();
        await child.stop();
        context.progress(`${model.name}: stopped ${stopped} for ${formatSeconds(context.sizes.outageMs)}`);
        // The outage itself is the fixed time: lags are sampled all through it.
        while (performance.now() - stoppedAtMs < context.sizes.outageMs) {
          samples.push({ atMs: performance.now() - stoppedAtMs, lags: await lagsOf(model) });
          await delay(250);
        }
        backlogAtRestart = await model.lag(stopped);
        const held = inFlightFor(model, drive, stopped);
        const restartedAtMs = performance.now();
        await child.start();
        window = { stoppedAt, restartedAt: Date.now() };
        context.progress(`${model.name}: ${stopped} back with ${backlogAtRestart} requests to catch up on`);
        catchUp = await recoveryOf(model, held, [stopped], restartedAtMs, ANSWER_TIMEOUT_MS).done;
      } catch (error) {
        ownProblems.push(`the outage did not run: ${(error as Error).message}`);
      }
      const driven = await drive.done;
      const settled = await lagsSettle(model, 60_000);
      const check = checker.check(await model.effects());
      ownProblems.push(...lagProblems(settled));

      const othersMaxLag = Math.max(0, ...samples.flatMap((sample) => others.map((team) => sample.lags[team])));
      // The longest stretch any other team spent with requests uncommitted during the outage.
      let longestBehindMs = 0;
      for (const team of others) {
        let behindSince: number | null = null;
        for (const sample of samples) {
          if (sample.lags[team] > 0) behindSince ??= sample.atMs;
          else if (behindSince !== null) {
            longestBehindMs = Math.max(longestBehindMs, sample.atMs - behindSince);
            behindSince = null;
          }
        }
        if (behindSince !== null)
          longestBehindMs = Math.max(longestBehindMs, (samples.at(-1)?.atMs ?? 0) - behindSince);
      }
      const answeredDuringOutage: Record<string, number> = {};
      if (window) {
        for (const team of TEAMS) {
          const times = await model.recordedAt(team);
          answeredDuringOutage[team] = [...times.values()].filter(
            (at) => at >= window.stoppedAt && at <= window.restartedAt,
          ).length;
        }
        if (answeredDuringOutage[stopped] > 0)
          ownProblems.push(`${stopped} answered ${answeredDuringOutage[stopped]} returns while stopped`);
        if (others.some((team) => answeredDuringOutage[team] === 0))
          ownProblems.push('a running team answered nothing during the outage');
      }
      if (catchUp === null && window) ownProblems.push(`${stopped} did not catch up within ${ANSWER_TIMEOUT_MS} ms`);
      return judge(
        {
          id: this.id,
          title: this.title,
          model: this.model,
          returns: requests.length,
          faults: `${stopped} stopped ${formatSeconds(context.sizes.outageMs)}`,
          recovery:
            `others: max lag ${othersMaxLag}, back to 0 within ${formatSeconds(longestBehindMs)}; ` +
            `${stopped}: ${backlogAtRestart} behind, caught up in ${catchUp === null ? 'never' : formatSeconds(catchUp)}`,
          details: {
            stoppedTeam: stopped,
            answeredDuringOutage,
            othersMaxLag,
            othersLongestBehindSeconds: seconds(longestBehindMs),
            backlogAtRestart,
            catchUpSeconds: catchUp === null ? null : seconds(catchUp),
            lagSamples: samples.length,
          },
          ownProblems,
        },
        check,
        driven,
        startedAt,
      );
    });
  },
};

// The broker itself restarted mid-run (SIGTERM, data kept). The publisher must fail clearly or retry within a
// bounded time; every team process that loses its consumer exits and is restarted by its supervisor; in the end
// every accepted request is answered and every group caught up.
export const eventSourcedBrokerRestart: Scenario = {
  id: 'es-broker-restart',
  title: 'Kafka broker restarted mid-run',
  model: 'event-sourced',
  restarts: 'kafka',
  async run(context) {
    const startedAt = performance.now();
    const requests = faultReturns(context.sizes.returns);
    return withModel(startModel(context, 'es-broker'), async (model) => {
      const checker = new FaultChecker();
      const drive = driveReturns(model, requests, {
        checker,
        concurrency: context.sizes.concurrency,
        answerTimeoutMs: ANSWER_TIMEOUT_MS + context.sizes.outageMs,
        acceptDeadlineMs: 180_000,
        report: context.progress,
      });
      const ownProblems: string[] = [];
      let restart: Awaited<ReturnType<typeof restartServer>> | undefined;
      let recovery: number | null = null;
      let probes: ProbeFigures | undefined;
      try {
        await drive.whenCompleted(Math.floor(requests.length * 0.3));
        context.progress(`${model.name}: restarting the Kafka broker at ${context.base.kafkaBrokers.join(',')}`);
        const restarting = restartServer(model.config, 'kafka', { downMs: context.sizes.outageMs, log: context.debug });
        const probing = probeWhile(model, checker, restarting, { answerTimeoutMs: ANSWER_TIMEOUT_MS });
        restart = await restarting;
        context.progress(
          `${model.name}: broker answering again after ${formatSeconds(restart.answeringAt - restart.stopAskedAt)} down`,
        );
        // Every return accepted so far finished: those in flight when the server went away picked up again.
        recovery = await finishedWithin(model, [...drive.accepted()], performance.now(), ANSWER_TIMEOUT_MS);
        probes = await probing;
      } catch (error) {
        ownProblems.push(`the restart did not happen: ${(error as Error).message}`);
      }
      if (probes && probes.hung > 0)
        ownProblems.push(`${probes.hung} publishes made while the server was away never returned`);
      if (probes && probes.completed < probes.attempts) {
        ownProblems.push(
          `${probes.attempts - probes.completed} returns handed over while the server was away never completed`,
        );
      }
      const driven = await drive.done;
      const settled = await lagsSettle(model, 60_000);
      const check = checker.check(await model.effects());
      ownProblems.push(...lagProblems(settled));
      // Bounded: a publish either succeeds or fails with an error well within the accept deadline.
      if (driven.longestAcceptMs > 60_000)
        ownProblems.push(`a publish took ${formatSeconds(driven.longestAcceptMs)}: the publisher hung`);
      return judge(
        {
          id: this.id,
          title: this.title,
          model: this.model,
          returns: requests.length + (probes?.attempts ?? 0),
          faults: restart
            ? `broker down ${formatSeconds(restart.answeringAt - restart.stopAskedAt)}`
            : 'broker restart failed',
          recovery:
            `broker back → every accepted return finished in ${recovery === null ? 'never' : formatSeconds(recovery)}; ` +
            `publishes meanwhile: ${describeProbes(probes)}`,
          details: {
            restart: restart ?? null,
            recoverySeconds: recovery === null ? null : seconds(recovery),
            publishesWhileAway: probes ?? null,
            publishErrors: driven.acceptErrors.length,
            publishErrorKinds: [...new Set(driven.acceptErrors.map((error) => error.message))].slice(0, 5),
            unexpectedExits: unexpectedExits(model),
            lagsSettledSeconds: settled.settledMs === null ? null : seconds(settled.settledMs),
          },
          ownProblems,
        },
        check,
        driven,
        startedAt,
      );
    });
  },
};
