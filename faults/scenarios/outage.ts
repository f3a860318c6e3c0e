// One team's process stopped cleanly (SIGTERM) for the outage while returns keep coming, in either model. What
// the other teams do meanwhile is the difference the scenario shows: in the choreography they keep answering with
// their lag near 0 and the stopped team catches up from its last commit; in the orchestration's parallel workflow
// they all act, and in its sequential one every step after the stopped team waits with it.
import { type Team, TEAMS } from '../../domain';
import { TEAM_INPUTS } from '../../event-sourced/teams';
import { EffectsChecker, type CheckResult } from '../../model/effects-check';
import type { ReturnVariant } from '../../traditional/client';
import { answersOf } from '../answers';
import { type Drive, type DriveResult, driveReturns, inFlightFor } from '../drive';
import { faultEffects, recordedAt } from '../effects';
import { recoveryOf } from '../inject';
import { type FaultModel, processOf } from '../open';
import {
  delay,
  faultReturns,
  formatSeconds,
  judge,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
  seconds,
  withModel,
} from '../scenario';
import { ANSWER_TIMEOUT_MS, lagsOf, openScenarioModel, settleModel, variantOf } from './per-model';

const STOPPED: Team = 'manufacturing';

export interface LagSample {
  readonly atMs: number;
  readonly lags: Readonly<Record<Team, number>>;
}

// What the outage left to measure, the same in both models.
interface Outage {
  // Wall-clock times, to compare with when each team stored its decisions.
  readonly window?: { readonly stoppedAt: number; readonly restartedAt: number };
  // What the stopped team had to catch up on when it came back.
  readonly backlog: number;
  readonly catchUpMs: number | null;
  readonly samples: readonly LagSample[];
  readonly answeredDuringOutage: Record<string, number>;
  readonly problems: string[];
}

// Stops the team, keeps it down for the outage (the event-sourced lags sampled all through it), starts it again
// and measures how soon what it held completed.
async function runOutage(
  model: FaultModel,
  drive: Drive,
  context: ScenarioContext,
  total: number,
): Promise<Omit<Outage, 'answeredDuringOutage'>> {
  const samples: LagSample[] = [];
  const timeoutMs = ANSWER_TIMEOUT_MS[model.name];
  const what = model.name === 'traditional' ? `${STOPPED}'s worker` : STOPPED;
  try {
    await drive.whenCompleted(Math.floor(total * 0.2));
    const child = processOf(model, STOPPED);
    const stoppedAtMs = performance.now();
    await child.stop();
    // Stopped once the process is gone: a clean stop first finishes and records what the team held, and those
    // records, stored before it left, are not answers of a stopped team.
    const stoppedAt = Date.now();
    context.progress(`${model.label}: stopped ${what} for ${formatSeconds(context.sizes.outageMs)}`);
    // The outage itself is the fixed time.
    if (model.name === 'traditional') await delay(context.sizes.outageMs);
    while (model.name === 'event-sourced' && performance.now() - stoppedAtMs < context.sizes.outageMs) {
      samples.push({ atMs: performance.now() - stoppedAtMs, lags: await lagsOf(model) });
      await delay(250);
    }
    const held = inFlightFor(model, drive, STOPPED);
    const backlog = model.name === 'event-sourced' ? await model.deployment.teamLag(STOPPED) : held.length;
    const restartedAtMs = performance.now();
    // The outage ends when the restart begins: a team may answer what waited for it while it starts, before it says
    // it is ready (an event-sourced team decides the requests it rebuilt as unanswered), and that is no answer of a
    // stopped team.
    const window = { stoppedAt, restartedAt: Date.now() };
    await child.start();
    context.progress(
      model.name === 'traditional'
        ? `${model.label}: ${what} back with ${backlog} returns waiting for it`
        : `${model.label}: ${what} back with ${backlog} requests to catch up on`,
    );
    // In the orchestration every return still incomplete waited on the stopped team; in the choreography only it
    // has anything to catch up on.
    const catchUpMs =
      model.name === 'traditional'
        ? await recoveryOf(
            model,
            drive.accepted().filter((id) => !answersOf(model).isComplete(id)),
            TEAMS,
            restartedAtMs,
            timeoutMs,
          ).done
        : await recoveryOf(model, held, [STOPPED], restartedAtMs, timeoutMs).done;
    return { window, backlog, catchUpMs, samples, problems: [] };
  } catch (error) {
    return { backlog: 0, catchUpMs: null, samples, problems: [`the outage did not run: ${(error as Error).message}`] };
  }
}

function outageScenario(name: FaultModel['name'], variant?: ReturnVariant): Scenario {
  const traditional = name === 'traditional';
  return {
    id: traditional ? `trad-team-outage-${variant}` : 'es-team-outage',
    title: traditional
      ? `one team's worker stopped, ${variant} workflow`
      : 'one team stopped while returns keep coming',
    model: name,
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.returns);
      const label = traditional ? `trad-outage-${variant}` : 'es-outage';
      return withModel(openScenarioModel(context, name, label, { variant }), async (model) => {
        const checker = new EffectsChecker();
        const drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: ANSWER_TIMEOUT_MS[name] + context.sizes.outageMs,
          report: context.progress,
        });
        const ran = await runOutage(model, drive, context, requests.length);
        const driven = await drive.done;
        const settled = await settleModel(model, 60_000);
        const effects = await faultEffects(model);
        const check = checker.check(effects);
        const answeredDuringOutage: Record<string, number> = {};
        if (ran.window) {
          const { stoppedAt, restartedAt } = ran.window;
          for (const team of TEAMS) {
            answeredDuringOutage[team] = [...recordedAt(effects, team).values()].filter(
              (at) => at >= stoppedAt && at <= restartedAt,
            ).length;
          }
        }
        const outage: Outage = { ...ran, answeredDuringOutage, problems: [...ran.problems, ...settled.problems] };
        return (traditional ? judgeTraditional : judgeEventSourced)(this, model, outage, context, {
          check,
          driven,
          startedAt,
          returns: requests.length,
        });
      });
    },
  };
}

interface Measured {
  readonly check: CheckResult;
  readonly driven: DriveResult;
  readonly startedAt: number;
  readonly returns: number;
}

function judgeTraditional(
  scenario: Scenario,
  model: FaultModel,
  outage: Outage,
  context: ScenarioContext,
  measured: Measured,
): ScenarioResult {
  const { answeredDuringOutage, window, catchUpMs } = outage;
  const ownProblems = outage.problems;
  if (window && answeredDuringOutage[STOPPED] > 0)
    ownProblems.push(`${STOPPED} recorded ${answeredDuringOutage[STOPPED]} returns while stopped`);
  if (catchUpMs === null && window) {
    ownProblems.push(`the returns waiting for ${STOPPED} did not complete within ${ANSWER_TIMEOUT_MS.traditional} ms`);
  }
  const meanwhile = TEAMS.filter((team) => team !== STOPPED)
    .map((team) => `${team} ${answeredDuringOutage[team] ?? 0}`)
    .join(', ');
  return judge(
    {
      id: scenario.id,
      title: scenario.title,
      model: scenario.model,
      ...variantOf(model),
      returns: measured.returns,
      faults: `${STOPPED} stopped ${formatSeconds(context.sizes.outageMs)}`,
      recovery: `during the outage: ${meanwhile}; back → all complete in ${catchUpMs === null ? 'never' : formatSeconds(catchUpMs)}`,
      details: {
        stoppedTeam: STOPPED,
        answeredDuringOutage,
        waitingForStoppedTeamAtRestart: outage.backlog,
        catchUpSeconds: catchUpMs === null ? null : seconds(catchUpMs),
      },
      ownProblems,
    },
    measured.check,
    measured.driven,
    measured.startedAt,
  );
}

// The longest stretch any of the teams spent with requests uncommitted during the outage.
function longestBehindMs(samples: readonly LagSample[], teams: readonly Team[]): number {
  let longest = 0;
  for (const team of teams) {
    let behindSince: number | null = null;
    for (const sample of samples) {
      if (sample.lags[team] > 0) behindSince ??= sample.atMs;
      else if (behindSince !== null) {
        longest = Math.max(longest, sample.atMs - behindSince);
        behindSince = null;
      }
    }
    if (behindSince !== null) longest = Math.max(longest, (samples.at(-1)?.atMs ?? 0) - behindSince);
  }
  return longest;
}

function judgeEventSourced(
  scenario: Scenario,
  _model: FaultModel,
  outage: Outage,
  context: ScenarioContext,
  measured: Measured,
): ScenarioResult {
  const { answeredDuringOutage, window, catchUpMs, samples } = outage;
  const others = TEAMS.filter((team) => team !== STOPPED);
  // A team that reads the stopped team's topic waits for it, as a workflow would: it may answer nothing meanwhile.
  const independent = others.filter((team) => !(TEAM_INPUTS[team] as readonly Team[]).includes(STOPPED));
  const ownProblems = outage.problems;
  const othersMaxLag = Math.max(0, ...samples.flatMap((sample) => others.map((team) => sample.lags[team])));
  const behindMs = longestBehindMs(samples, others);
  if (window) {
    if (answeredDuringOutage[STOPPED] > 0)
      ownProblems.push(`${STOPPED} answered ${answeredDuringOutage[STOPPED]} returns while stopped`);
    const idle = independent.filter((team) => answeredDuringOutage[team] === 0);
    if (idle.length > 0)
      ownProblems.push(`${idle.join(', ')}, which do not read ${STOPPED}, answered nothing during the outage`);
  }
  if (catchUpMs === null && window)
    ownProblems.push(`${STOPPED} did not catch up within ${ANSWER_TIMEOUT_MS['event-sourced']} ms`);
  return judge(
    {
      id: scenario.id,
      title: scenario.title,
      model: scenario.model,
      returns: measured.returns,
      faults: `${STOPPED} stopped ${formatSeconds(context.sizes.outageMs)}`,
      recovery:
        `others: max lag ${othersMaxLag}, back to 0 within ${formatSeconds(behindMs)}; ` +
        `${STOPPED}: ${outage.backlog} behind, caught up in ${catchUpMs === null ? 'never' : formatSeconds(catchUpMs)}`,
      details: {
        stoppedTeam: STOPPED,
        answeredDuringOutage,
        othersMaxLag,
        othersLongestBehindSeconds: seconds(behindMs),
        backlogAtRestart: outage.backlog,
        catchUpSeconds: catchUpMs === null ? null : seconds(catchUpMs),
        lagSamples: samples.length,
      },
      ownProblems,
    },
    measured.check,
    measured.driven,
    measured.startedAt,
  );
}

export const eventSourcedOutage = outageScenario('event-sourced');
export const traditionalOutageSequential = outageScenario('traditional', 'sequential');
export const traditionalOutageParallel = outageScenario('traditional', 'parallel');
