// The same returns submitted again and again: three times at once while they run (both workflow variants at once
// in the traditional model), then all of them once more after they finished. Each team must decide each once.
import { TEAMS } from '../../domain';
import { startReturn } from '../../traditional/client';
import { FaultChecker, type ModelName } from '../checker';
import { driveReturns } from '../drive';
import {
  type EventSourcedUnderTest,
  startEventSourcedModel,
  startTraditionalModel,
  type TraditionalUnderTest,
} from '../models';
import { delay, faultReturns, judge, type Scenario, withModel } from '../scenario';

const ANSWER_TIMEOUT_MS = 120_000;
const AT_ONCE = 3;

function duplicatesScenario(modelName: ModelName): Scenario {
  return {
    id: modelName === 'event-sourced' ? 'es-duplicate-submissions' : 'trad-duplicate-submissions',
    title: 'every return submitted 3 times at once, then again after it finished',
    model: modelName,
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.fewerReturns);
      const start = (): Promise<EventSourcedUnderTest | TraditionalUnderTest> =>
        modelName === 'event-sourced'
          ? startEventSourcedModel({ base: context.base, label: 'es-duplicates', log: context.debug })
          : startTraditionalModel({
              base: context.base,
              label: 'trad-duplicates',
              variant: 'parallel',
              log: context.debug,
            });
      return withModel(start, async (model) => {
        const checker = new FaultChecker();
        // The first copy is the drive's own; the others race it, each a submission of its own.
        const submitCopy = (request: (typeof requests)[number], copy: number): Promise<unknown> =>
          model.model === 'traditional'
            ? startReturn(model.client, model.config.scope, request, copy % 2 === 0 ? 'parallel' : 'sequential')
            : model.accept(request);
        const drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: ANSWER_TIMEOUT_MS,
          report: context.progress,
          accept: async (request) => {
            await Promise.all([
              model.accept(request),
              ...Array.from({ length: AT_ONCE - 1 }, (_, copy) => submitCopy(request, copy + 1)),
            ]);
            for (let copy = 1; copy < AT_ONCE; copy++) checker.accepted(request);
          },
        });
        const driven = await drive.done;
        context.progress(`${model.name}: submitting all ${requests.length} finished returns once more`);
        for (let index = 0; index < requests.length; index += context.sizes.concurrency) {
          await Promise.all(
            requests.slice(index, index + context.sizes.concurrency).map(async (request) => {
              await model.accept(request);
              checker.accepted(request);
            }),
          );
        }
        const ownProblems: string[] = [];
        const settled: Record<string, unknown> = {};
        // Whatever the late copies cause has happened before the effects are read.
        const deadline = performance.now() + 60_000;
        if (model.model === 'event-sourced') {
          let lags: number[] = [];
          for (;;) {
            lags = await Promise.all(TEAMS.map((team) => model.lag(team)));
            if (lags.every((lag) => lag === 0)) break;
            if (performance.now() > deadline) {
              ownProblems.push(`the teams never caught up with the copies: lag ${lags.join(', ')}`);
              break;
            }
            await delay(200);
          }
        } else {
          let runs = 0;
          let open = 0;
          for (;;) {
            [runs, open] = await Promise.all([model.workflowRuns(), model.openWorkflows()]);
            if (runs === requests.length && open === 0) break;
            if (performance.now() > deadline) {
              ownProblems.push(`${runs} workflow runs (${open} still open) for ${requests.length} returns`);
              break;
            }
            await delay(500);
          }
          settled.workflowRuns = runs;
        }
        const check = checker.check(await model.effects());
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            ...(model.model === 'traditional' ? { variant: 'parallel' as const } : {}),
            returns: requests.length,
            faults: `${checker.submitted} submissions of ${requests.length} returns`,
            recovery: 'n/a',
            details: { submissions: checker.submitted, ...settled },
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

export const eventSourcedDuplicates = duplicatesScenario('event-sourced');
export const traditionalDuplicates = duplicatesScenario('traditional');
