// The model's server restarted mid-run (SIGTERM, its data kept), in either model: the Temporal server with its
// SQLite file, or the Kafka broker. Calls made meanwhile (workflow starts, publishes) fail clearly or wait, within
// a bounded time, and are retried; processes that lose the server are restarted by their supervisor; in the end
// every accepted return is finished where it was and nothing is left in flight.
import { EffectsChecker } from '../../model/effects-check';
import type { ModelName } from '../../model/port';
import { driveReturns } from '../drive';
import { faultEffects } from '../effects';
import { describeProbes, finishedWithin, type ProbeFigures, probeWhile, unexpectedExits } from '../inject';
import type { FaultModel } from '../open';
import {
  faultReturns,
  formatSeconds,
  judge,
  type Scenario,
  type ScenarioContext,
  seconds,
  withModel,
} from '../scenario';
import { restartServer, type ServerName } from '../servers';
import { ANSWER_TIMEOUT_MS, openScenarioModel, settleModel, variantOf } from './per-model';

// How each model's report names its server and the calls made to it.
interface Words {
  readonly id: string;
  readonly title: string;
  readonly label: string;
  readonly server: ServerName;
  // In "restarting the … at", and in "… answering again after".
  readonly serverName: string;
  readonly answering: string;
  // In "… down", "… restart failed" and "… back →".
  readonly short: string;
  // A call to the server: "start" (of a workflow) or "publish".
  readonly call: string;
  readonly meanwhile: string;
  readonly hung: string;
  readonly details: { readonly whileAway: string; readonly errors: string; readonly errorKinds: string };
  readonly settleTimeoutMs: number;
  address(context: ScenarioContext): string;
}

const WORDS: Readonly<Record<ModelName, Words>> = {
  traditional: {
    id: 'trad-temporal-restart',
    title: 'Temporal server restarted mid-run, database kept',
    label: 'trad-temporal',
    server: 'temporal',
    serverName: 'Temporal server',
    answering: 'Temporal',
    short: 'server',
    call: 'start',
    meanwhile: 'workflow starts',
    hung: 'a workflow start took %s: the client hung',
    details: { whileAway: 'startsWhileAway', errors: 'startErrors', errorKinds: 'startErrorKinds' },
    settleTimeoutMs: 120_000,
    address: (context) => context.base.temporalAddress,
  },
  'event-sourced': {
    id: 'es-broker-restart',
    title: 'Kafka broker restarted mid-run',
    label: 'es-broker',
    server: 'kafka',
    serverName: 'Kafka broker',
    answering: 'broker',
    short: 'broker',
    call: 'publish',
    meanwhile: 'publishes',
    hung: 'a publish took %s: the publisher hung',
    details: { whileAway: 'publishesWhileAway', errors: 'publishErrors', errorKinds: 'publishErrorKinds' },
    settleTimeoutMs: 60_000,
    address: (context) => context.base.kafkaBrokers.join(','),
  },
};

interface Restarted {
  readonly restart?: Awaited<ReturnType<typeof restartServer>>;
  readonly recoveryMs: number | null;
  readonly probes?: ProbeFigures;
  readonly problems: string[];
}

// Restarts the server once 30 % of the returns are complete, probing it with new returns while it is away; then
// waits for every return accepted so far to finish: those in flight when the server went away picked up again.
async function restartMidRun(
  model: FaultModel,
  words: Words,
  context: ScenarioContext,
  checker: EffectsChecker,
  drive: ReturnType<typeof driveReturns>,
  total: number,
): Promise<Restarted> {
  const timeoutMs = ANSWER_TIMEOUT_MS[model.name];
  try {
    await drive.whenCompleted(Math.floor(total * 0.3));
    context.progress(`${model.label}: restarting the ${words.serverName} at ${words.address(context)}`);
    const restarting = restartServer(model.config, words.server, {
      downMs: context.sizes.outageMs,
      log: context.debug,
    });
    const probing = probeWhile(model, checker, restarting, { answerTimeoutMs: timeoutMs });
    const restart = await restarting;
    context.progress(
      `${model.label}: ${words.answering} answering again after ${formatSeconds(restart.answeringAt - restart.stopAskedAt)} down`,
    );
    const recoveryMs = await finishedWithin(model, [...drive.accepted()], performance.now(), timeoutMs);
    return { restart, recoveryMs, probes: await probing, problems: [] };
  } catch (error) {
    return { recoveryMs: null, problems: [`the restart did not happen: ${(error as Error).message}`] };
  }
}

function serverRestartScenario(name: ModelName): Scenario {
  const words = WORDS[name];
  return {
    id: words.id,
    title: words.title,
    model: name,
    restarts: words.server,
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.returns);
      return withModel(openScenarioModel(context, name, words.label), async (model) => {
        const checker = new EffectsChecker();
        const drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: ANSWER_TIMEOUT_MS[name] + context.sizes.outageMs,
          acceptDeadlineMs: 180_000,
          report: context.progress,
        });
        const {
          restart,
          recoveryMs,
          probes,
          problems: ownProblems,
        } = await restartMidRun(model, words, context, checker, drive, requests.length);
        if (probes && probes.hung > 0)
          ownProblems.push(`${probes.hung} ${words.call}s made while the server was away never returned`);
        if (probes && probes.completed < probes.attempts) {
          ownProblems.push(
            `${probes.attempts - probes.completed} returns handed over while the server was away never completed`,
          );
        }
        const driven = await drive.done;
        const settled = await settleModel(model, words.settleTimeoutMs);
        ownProblems.push(...settled.problems);
        const check = checker.check(await faultEffects(model));
        // Bounded: a call either succeeds or fails with an error well within the accept deadline.
        if (driven.longestAcceptMs > 60_000)
          ownProblems.push(words.hung.replace('%s', formatSeconds(driven.longestAcceptMs)));
        const down = restart ? formatSeconds(restart.answeringAt - restart.stopAskedAt) : null;
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            ...variantOf(model),
            returns: requests.length + (probes?.attempts ?? 0),
            faults: down ? `${words.short} down ${down}` : `${words.short} restart failed`,
            recovery:
              `${words.short} back → every accepted return finished in ${recoveryMs === null ? 'never' : formatSeconds(recoveryMs)}; ` +
              `${words.meanwhile} meanwhile: ${describeProbes(probes)}`,
            details: {
              restart: restart ?? null,
              recoverySeconds: recoveryMs === null ? null : seconds(recoveryMs),
              [words.details.whileAway]: probes ?? null,
              [words.details.errors]: driven.acceptErrors.length,
              [words.details.errorKinds]: [...new Set(driven.acceptErrors.map((error) => error.message))].slice(0, 5),
              unexpectedExits: unexpectedExits(model),
              ...(name === 'event-sourced'
                ? { lagsSettledSeconds: settled.settledMs === null ? null : seconds(settled.settledMs) }
                : {}),
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

export const eventSourcedBrokerRestart = serverRestartScenario('event-sourced');
export const traditionalTemporalRestart = serverRestartScenario('traditional');
