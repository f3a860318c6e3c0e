// The traditional model under fault: team workers SIGKILLed mid-activity, killed at the crash point between
// recording and reporting the activity done (and the same with idempotency off, the negative control), User
// Support's workflow worker killed mid-run, the Temporal server restarted, and one team's worker stopped for a
// while in the sequential and the parallel workflow.
import { type Team, TEAMS } from '../../domain';
import { fetchAuditTrail } from '../../traditional/audit-trail';
import { returnWorkflowId, type ReturnVariant } from '../../traditional/client';
import { FaultChecker } from '../checker';
import { type Drive, driveReturns, inFlightFor } from '../drive';
import {
  armCrashPoint,
  type CrashPoint,
  describeKillRecovery,
  describeKills,
  type Kill,
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
import { startTraditionalModel, type TraditionalUnderTest } from '../models';
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

// An activity on a worker that died is retried once its 10 s start-to-close timeout passes, plus the retry backoff.
const ANSWER_TIMEOUT_MS = 180_000;

function startModel(
  context: ScenarioContext,
  label: string,
  variant: ReturnVariant,
  extra: Partial<Parameters<typeof startTraditionalModel>[0]> = {},
) {
  return () => startTraditionalModel({ base: context.base, label, variant, log: context.debug, ...extra });
}

// Every workflow run of the scope finished: none left waiting on a team or a lost task.
async function workflowsSettle(model: TraditionalUnderTest, timeoutMs: number): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  let open = -1;
  for (;;) {
    try {
      open = await model.openWorkflows();
      if (open === 0) return [];
    } catch {
      // Visibility may not answer for a moment after a restart: asked again below.
    }
    if (performance.now() > deadline)
      return [`${open} workflow runs still running ${timeoutMs} ms after the drive ended`];
    await delay(500);
  }
}

// Each team's one activity, as it shows in a workflow's pending activities and history.
const ACTIVITY_OF_TEAM: Readonly<Record<Team, string>> = {
  sales: 'createOrderRefundRequest',
  inventory: 'createShipmentRequest',
  manufacturing: 'registerDisassemblyOrder',
  accounting: 'chargeAssetDisposal',
};

// temporal.api.enums.v1.PendingActivityState: handed to a worker, no answer yet.
const PENDING_ACTIVITY_STATE_STARTED = 2;

// Waits (up to a few seconds) for a moment when Temporal has handed one of the held returns' activities to the
// victim's worker and not yet heard back: the kill then lands mid-activity. Says how many were in its hands.
async function activitiesInHand(
  model: TraditionalUnderTest,
  team: Team,
  held: readonly string[],
): Promise<Record<string, number>> {
  const deadline = performance.now() + 5_000;
  const candidates = held.slice(0, 32);
  for (;;) {
    const states = await Promise.all(
      candidates.map(async (returnId) => {
        try {
          const description = await model.client.workflow
            .getHandle(returnWorkflowId(model.config.scope, returnId))
            .describe();
          return (description.raw.pendingActivities ?? []).filter(
            (activity) =>
              activity.activityType?.name === ACTIVITY_OF_TEAM[team] &&
              activity.state === PENDING_ACTIVITY_STATE_STARTED,
          ).length;
        } catch {
          return 0;
        }
      }),
    );
    const started = states.reduce((sum, count) => sum + count, 0);
    if (started > 0 || performance.now() > deadline) return { activitiesStartedAtKill: started };
    await delay(50);
  }
}

// How many of the returns a killed team held had their activity retried: proof the kill hit an activity in flight.
async function retriedActivities(model: TraditionalUnderTest, kills: readonly Kill[]): Promise<number> {
  let retried = 0;
  for (const kill of kills) {
    for (const returnId of kill.heldReturnIds) {
      const trail = await fetchAuditTrail(model.client, returnWorkflowId(model.config.scope, returnId));
      const started = trail.filter((event) => event.type === 'ActivityTaskStarted' && event.team === kill.role);
      if (started.some((event) => (event.attempt ?? 1) > 1)) retried++;
    }
  }
  return retried;
}

function killsScenario(role: 'teams' | 'user-support'): Scenario {
  const teams = role === 'teams';
  return {
    id: teams ? 'trad-kill-team-workers' : 'trad-kill-user-support',
    title: teams ? 'team workers SIGKILLed mid-activity' : "User Support's workflow worker SIGKILLed mid-run",
    model: 'traditional',
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.returns);
      return withModel(startModel(context, teams ? 'trad-kills' : 'trad-us-kills', 'parallel'), async (model) => {
        const checker = new FaultChecker();
        const drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: ANSWER_TIMEOUT_MS,
          report: context.progress,
        });
        const kills = await killAtRandomMoments(model, drive, {
          kills: teams ? context.sizes.kills : Math.max(1, context.sizes.kills - 1),
          total: requests.length,
          roles: teams ? TEAMS : ['user-support'],
          seed: context.seed,
          recoveryTimeoutMs: ANSWER_TIMEOUT_MS,
          ...(teams ? { evidence: (role, held) => activitiesInHand(model, role as Team, held) } : {}),
          progress: context.progress,
        });
        const driven = await drive.done;
        const ownProblems = await workflowsSettle(model, 60_000);
        const check = checker.check(await model.effects());
        const notes: string[] = [];
        if (kills.every((kill) => kill.inFlight === 0)) notes.push('no kill found a return in flight');
        let faults = `${kills.length} SIGKILLs (${describeKills(kills)})`;
        const details: Record<string, unknown> = { kills, unexpectedExits: unexpectedExits(model) };
        if (teams) {
          // Evidence the kills landed mid-activity: Temporal had handed activities to the victim, and retried them.
          const inHand = kills.reduce((sum, kill) => sum + (kill.evidence.activitiesStartedAtKill ?? 0), 0);
          const retried = await retriedActivities(model, kills);
          faults += `; ${inHand} activities in the victims' hands, ${retried} returns with an activity retried`;
          details.heldReturnsWithRetriedActivity = retried;
          if (retried === 0)
            notes.push('no activity of a killed worker was retried: no kill hit an activity in flight');
        }
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            variant: 'parallel',
            returns: requests.length,
            faults,
            recovery: describeKillRecovery(kills),
            details,
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
}

export const traditionalKills = killsScenario('teams');
export const traditionalUserSupportKills = killsScenario('user-support');

// The named crash point of every team's worker, one return each: the process dies after the record is committed
// and before Temporal hears the activity completed. The retry finds the record; with idempotency off it decides
// and records again.
function crashPointScenario(negativeControl: boolean): Scenario {
  return {
    id: negativeControl ? 'trad-negative-control' : 'trad-crash-point',
    title: negativeControl
      ? 'negative control: crash point with idempotency off'
      : 'every team worker killed at the crash point (after insert, before completion)',
    model: 'traditional',
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.fewerReturns);
      const points: CrashPoint[] = [];
      const recovered: Promise<void>[] = [];
      let drive: Drive | undefined;
      const start = startModel(context, negativeControl ? 'trad-negative' : 'trad-crash-point', 'parallel', {
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
        await Promise.all(recovered.filter((_, index) => points[index].reached));
        const ownProblems = await workflowsSettle(model, 60_000);
        const check = checker.check(await model.effects());
        ownProblems.push(
          ...points
            .filter((point) => !point.reached)
            .map((point) => `${point.role} never reached its crash point at ${point.returnId}`),
        );
        const reached = points.filter((point) => point.reached);
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            variant: 'parallel',
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

export const traditionalCrashPoint = crashPointScenario(false);
export const traditionalNegativeControl = crashPointScenario(true);

// The Temporal server restarted mid-run (SIGTERM, its SQLite file kept): starts fail or wait and are retried,
// workers that lose the server are restarted by their supervisor, and every workflow finishes where it was.
export const traditionalTemporalRestart: Scenario = {
  id: 'trad-temporal-restart',
  title: 'Temporal server restarted mid-run, database kept',
  model: 'traditional',
  restarts: 'temporal',
  async run(context) {
    const startedAt = performance.now();
    const requests = faultReturns(context.sizes.returns);
    return withModel(startModel(context, 'trad-temporal', 'parallel'), async (model) => {
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
        context.progress(`${model.name}: restarting the Temporal server at ${context.base.temporalAddress}`);
        const restarting = restartServer(model.config, 'temporal', {
          downMs: context.sizes.outageMs,
          log: context.debug,
        });
        const probing = probeWhile(model, checker, restarting, { answerTimeoutMs: ANSWER_TIMEOUT_MS });
        restart = await restarting;
        context.progress(
          `${model.name}: Temporal answering again after ${formatSeconds(restart.answeringAt - restart.stopAskedAt)} down`,
        );
        // Every return accepted so far finished: those in flight when the server went away picked up again.
        recovery = await finishedWithin(model, [...drive.accepted()], performance.now(), ANSWER_TIMEOUT_MS);
        probes = await probing;
      } catch (error) {
        ownProblems.push(`the restart did not happen: ${(error as Error).message}`);
      }
      if (probes && probes.hung > 0)
        ownProblems.push(`${probes.hung} starts made while the server was away never returned`);
      if (probes && probes.completed < probes.attempts) {
        ownProblems.push(
          `${probes.attempts - probes.completed} returns handed over while the server was away never completed`,
        );
      }
      const driven = await drive.done;
      ownProblems.push(...(await workflowsSettle(model, 120_000)));
      const check = checker.check(await model.effects());
      if (driven.longestAcceptMs > 60_000)
        ownProblems.push(`a workflow start took ${formatSeconds(driven.longestAcceptMs)}: the client hung`);
      return judge(
        {
          id: this.id,
          title: this.title,
          model: this.model,
          variant: 'parallel',
          returns: requests.length + (probes?.attempts ?? 0),
          faults: restart
            ? `server down ${formatSeconds(restart.answeringAt - restart.stopAskedAt)}`
            : 'server restart failed',
          recovery:
            `server back → every accepted return finished in ${recovery === null ? 'never' : formatSeconds(recovery)}; ` +
            `workflow starts meanwhile: ${describeProbes(probes)}`,
          details: {
            restart: restart ?? null,
            recoverySeconds: recovery === null ? null : seconds(recovery),
            startsWhileAway: probes ?? null,
            startErrors: driven.acceptErrors.length,
            startErrorKinds: [...new Set(driven.acceptErrors.map((error) => error.message))].slice(0, 5),
            unexpectedExits: unexpectedExits(model),
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

// One team's worker stopped (SIGTERM) for the outage while returns keep coming. What the other teams did
// meanwhile is the difference between the variants: in parallel they all act; in the seed's order every step
// after the stopped one waits with it.
function outageScenario(variant: ReturnVariant): Scenario {
  return {
    id: `trad-team-outage-${variant}`,
    title: `one team's worker stopped, ${variant} workflow`,
    model: 'traditional',
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.returns);
      const stopped: Team = 'manufacturing';
      return withModel(startModel(context, `trad-outage-${variant}`, variant), async (model) => {
        const checker = new FaultChecker();
        const drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: ANSWER_TIMEOUT_MS + context.sizes.outageMs,
          report: context.progress,
        });
        const ownProblems: string[] = [];
        let window: { stoppedAt: number; restartedAt: number } | undefined;
        let backlog = 0;
        let catchUp: number | null = null;
        try {
          await drive.whenCompleted(Math.floor(requests.length * 0.2));
          const child = processOf(model, stopped);
          const stoppedAt = Date.now();
          await child.stop();
          context.progress(`${model.name}: stopped ${stopped}'s worker for ${formatSeconds(context.sizes.outageMs)}`);
          // The outage itself is the fixed time.
          await delay(context.sizes.outageMs);
          const held = inFlightFor(model, drive, stopped);
          backlog = held.length;
          const restartedAtMs = performance.now();
          await child.start();
          window = { stoppedAt, restartedAt: Date.now() };
          context.progress(`${model.name}: ${stopped}'s worker back with ${backlog} returns waiting for it`);
          catchUp = await recoveryOf(
            model,
            drive.accepted().filter((id) => !model.answers.isComplete(id)),
            TEAMS,
            restartedAtMs,
            ANSWER_TIMEOUT_MS,
          ).done;
        } catch (error) {
          ownProblems.push(`the outage did not run: ${(error as Error).message}`);
        }
        const driven = await drive.done;
        ownProblems.push(...(await workflowsSettle(model, 60_000)));
        const check = checker.check(await model.effects());
        const answeredDuringOutage: Record<string, number> = {};
        if (window) {
          for (const team of TEAMS) {
            const times = await model.recordedAt(team);
            answeredDuringOutage[team] = [...times.values()].filter(
              (at) => at >= window.stoppedAt && at <= window.restartedAt,
            ).length;
          }
          if (answeredDuringOutage[stopped] > 0)
            ownProblems.push(`${stopped} recorded ${answeredDuringOutage[stopped]} returns while stopped`);
        }
        if (catchUp === null && window)
          ownProblems.push(`the returns waiting for ${stopped} did not complete within ${ANSWER_TIMEOUT_MS} ms`);
        const meanwhile = TEAMS.filter((team) => team !== stopped)
          .map((team) => `${team} ${answeredDuringOutage[team] ?? 0}`)
          .join(', ');
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            variant,
            returns: requests.length,
            faults: `${stopped} stopped ${formatSeconds(context.sizes.outageMs)}`,
            recovery: `during the outage: ${meanwhile}; back → all complete in ${catchUp === null ? 'never' : formatSeconds(catchUp)}`,
            details: {
              stoppedTeam: stopped,
              answeredDuringOutage,
              waitingForStoppedTeamAtRestart: backlog,
              catchUpSeconds: catchUp === null ? null : seconds(catchUp),
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
}

export const traditionalOutageSequential = outageScenario('sequential');
export const traditionalOutageParallel = outageScenario('parallel');
