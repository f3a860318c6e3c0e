// The same returns submitted again and again: three times at once while they run (both workflow variants at once
// in the traditional model), then all of them once more after they finished. Each team must decide each once.
import { EffectsChecker } from '../../model/effects-check';
import type { ModelName } from '../../model/port';
import type { TraditionalModel } from '../../traditional/model';
import { driveReturns } from '../drive';
import { faultEffects } from '../effects';
import { delay, faultReturns, judge, type Scenario, withModel } from '../scenario';
import { lagsOf, openScenarioModel, runningWorkflows, variantOf, workflowRuns } from './per-model';

const ANSWER_TIMEOUT_MS = 120_000;
const AT_ONCE = 3;

// One workflow run per return however often it was submitted, and none of them still running.
async function oneRunEach(
  model: TraditionalModel,
  returns: number,
  timeoutMs: number,
): Promise<{ runs: number; problem?: string }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [runs, open] = await Promise.all([workflowRuns(model), runningWorkflows(model)]);
    if (runs === returns && open === 0) return { runs };
    if (performance.now() > deadline)
      return { runs, problem: `${runs} workflow runs (${open} still open) for ${returns} returns` };
    await delay(500);
  }
}

function duplicatesScenario(modelName: ModelName): Scenario {
  return {
    id: modelName === 'event-sourced' ? 'es-duplicate-submissions' : 'trad-duplicate-submissions',
    title: 'every return submitted 3 times at once, then again after it finished',
    model: modelName,
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.fewerReturns);
      const start = openScenarioModel(
        context,
        modelName,
        modelName === 'event-sourced' ? 'es-duplicates' : 'trad-duplicates',
      );
      return withModel(start, async (model) => {
        const checker = new EffectsChecker();
        // The first copy is the drive's own; the others race it, each a submission of its own.
        const submitCopy = (request: (typeof requests)[number], copy: number): Promise<unknown> =>
          model.name === 'traditional'
            ? model.deployment.start(request, copy % 2 === 0 ? 'parallel' : 'sequential')
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
        context.progress(`${model.label}: submitting all ${requests.length} finished returns once more`);
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
        if (model.name === 'event-sourced') {
          await model.settle({ timeoutMs: 60_000 }).catch(async () => {
            ownProblems.push(
              `the teams never caught up with the copies: lag ${Object.values(await lagsOf(model)).join(', ')}`,
            );
          });
        } else {
          const { runs, problem } = await oneRunEach(model, requests.length, 60_000);
          if (problem) ownProblems.push(problem);
          settled.workflowRuns = runs;
        }
        const check = checker.check(await faultEffects(model));
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            ...variantOf(model),
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
