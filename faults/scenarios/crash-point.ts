// The named crash point of every team's process, one return each, in either model: the process dies after its
// effect is stored and before it is acknowledged (the events appended, the request not committed; the record
// committed, the activity not reported done). The redelivery or retry finds the effect; with idempotency off
// (the negative control) it decides and stores again.
import { EffectsChecker } from '../../model/effects-check';
import type { ModelName } from '../../model/port';
import { type Drive, driveReturns } from '../drive';
import { faultEffects } from '../effects';
import { armCrashPoint, type CrashPoint, crashPlans, maxRecovery, unexpectedExits } from '../inject';
import type { FaultModel } from '../open';
import { faultReturns, judge, type Scenario, withModel } from '../scenario';
import { ANSWER_TIMEOUT_MS, openScenarioModel, settleModel, variantOf } from './per-model';

const CRASH_POINT_TITLE: Readonly<Record<ModelName, string>> = {
  traditional: 'every team worker killed at the crash point (after insert, before completion)',
  'event-sourced': 'every subscriber killed at the crash point (after append, before commit)',
};

const PREFIX: Readonly<Record<ModelName, string>> = { traditional: 'trad', 'event-sourced': 'es' };

function crashPointScenario(name: ModelName, negativeControl: boolean): Scenario {
  return {
    id: `${PREFIX[name]}-${negativeControl ? 'negative-control' : 'crash-point'}`,
    title: negativeControl ? 'negative control: crash point with idempotency off' : CRASH_POINT_TITLE[name],
    model: name,
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.fewerReturns);
      const timeoutMs = ANSWER_TIMEOUT_MS[name];
      const plans = crashPlans(requests);
      let opened: FaultModel | undefined;
      let drive: Drive | undefined;
      let armed: ReturnType<typeof armCrashPoint>[] = [];
      const target = { name, model: () => opened, drive: () => drive };
      const open = openScenarioModel(context, name, `${PREFIX[name]}-${negativeControl ? 'negative' : 'crash-point'}`, {
        negativeControl,
        beforeStart: (processes) => {
          armed = plans.map((plan) => armCrashPoint(processes, target, plan, timeoutMs, negativeControl));
        },
      });
      return withModel(open, async (model) => {
        opened = model;
        const points: CrashPoint[] = armed.map(({ point }) => point);
        const checker = new EffectsChecker();
        drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: timeoutMs,
          report: context.progress,
        });
        const driven = await drive.done;
        await Promise.all(armed.filter(({ point }) => point.reached).map(({ recovered }) => recovered));
        const settled = await settleModel(model, 60_000);
        const check = checker.check(await faultEffects(model));
        const reached = points.filter((point) => point.reached);
        // The event-sourced negative control is judged by its duplicates alone: its teams, started from an empty
        // state each time, are not held to catching up with the request topic.
        const settleCounts = !(negativeControl && name === 'event-sourced');
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            ...variantOf(model),
            returns: requests.length,
            faults: `${reached.length} crash points reached (${reached.map((point) => point.role).join(', ')})`,
            expectation: negativeControl ? 'duplicates' : 'clean',
            recovery: `crash → held returns answered: max ${maxRecovery(reached.map((point) => point.recoveryMs))}`,
            details: { crashPoints: points, unexpectedExits: unexpectedExits(model) },
            ownProblems: [
              ...(settleCounts ? settled.problems : []),
              ...points
                .filter((point) => !point.reached)
                .map((point) => `${point.role} never reached its crash point at ${point.returnId}`),
            ],
          },
          check,
          driven,
          startedAt,
        );
      });
    },
  };
}

export const eventSourcedCrashPoint = crashPointScenario('event-sourced', false);
export const eventSourcedNegativeControl = crashPointScenario('event-sourced', true);
export const traditionalCrashPoint = crashPointScenario('traditional', false);
export const traditionalNegativeControl = crashPointScenario('traditional', true);
