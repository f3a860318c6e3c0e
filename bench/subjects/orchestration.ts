// The traditional model under load, through its door (traditional/model.ts). The driver is User Support's client:
// it starts one workflow per return and awaits its result, which comes once all four teams' activities have
// returned. The workers run as traditional/worker.ts processes, which both workflow variants share.
import { TEAMS } from '../../domain';
import { type ReturnVariant, WORKFLOW_TYPE_OF_VARIANT } from '../../traditional/client';
import { openTraditionalModel, type TraditionalModel } from '../../traditional/model';
import type { Supervisor } from '../../model/supervisor';
import type { BenchContext } from '../context';
import { asProcessesOf, restartChild, type SubjectProcesses, trackedSubject, watchProcesses } from './processes';
import { ReturnTracker } from './return-tracker';
import type { Subject, SubjectGroup, TeamCompletion } from './subject';
import { effectsOfReturns, verificationOf } from './verification';

export async function startOrchestration(
  context: BenchContext,
  workflowVariants: readonly ReturnVariant[],
): Promise<SubjectGroup> {
  const [first, ...others] = workflowVariants;
  if (!first) throw new Error('no workflow variant to measure');
  const served = await openTraditionalModel(context.config, {
    variant: first,
    log: context.log,
    asProcesses: asProcessesOf(context),
  });
  const models = [served];
  try {
    // The other variants run on the same workers: a client each, and no worker of their own.
    for (const variant of others)
      models.push(await openTraditionalModel(context.config, { variant, log: context.log, teams: [] }));
  } catch (error) {
    await Promise.all(models.map((model) => model.close()));
    throw error;
  }
  const supervisor = served.processes;
  if (!supervisor) throw new Error('the traditional model was opened without its worker processes');
  const processes = watchProcesses(supervisor, context, 'temporal-server');
  return {
    subjects: models.map((model) => subjectOf(model, { served, supervisor, processes }, context)),
    async close() {
      await Promise.all(models.map((model) => model.close()));
    },
  };
}

// The worker processes every variant shares, and the model that runs them: the one that kills and restarts a team.
interface Workers {
  readonly served: TraditionalModel;
  readonly supervisor: Supervisor;
  readonly processes: SubjectProcesses;
}

function subjectOf(
  model: TraditionalModel,
  { served, supervisor, processes }: Workers,
  context: BenchContext,
): Subject {
  const { workload } = context;
  // A tracker per variant: the variants share the workers and the team files, but run on return ids of their own.
  const tracker = new ReturnTracker(workload.indexOf);
  const accepted = () => [...tracker.indexesIn('completed'), ...tracker.indexesIn('sent')].map(workload.returnId);
  const submit: Subject['submit'] = (index) => {
    const request = workload.request(index);
    const done = tracker.expect(index, request.returnId);
    // accept, then outcome: model.submit also reads the return back from every team's file, which would load the driver.
    model
      .accept(request)
      .then(() => model.outcome(request.returnId))
      .then(
        () => tracker.complete(request.returnId),
        (error: unknown) => tracker.fail(request.returnId, error as Error),
      );
    return done;
  };
  // From each team's own SQLite records: when it recorded its part of each return (its own clock).
  const teamCompletions = async (returnIds: readonly string[]): Promise<TeamCompletion[]> => {
    const effects = effectsOfReturns(await model.effects(), new Set(returnIds));
    return TEAMS.flatMap((team) =>
      [...effects.decisions[team]].flatMap(([returnId, decisions]) =>
        decisions.map(({ recordedAt }) => ({ returnId, team, recordedAtMs: Date.parse(recordedAt) })),
      ),
    );
  };
  return {
    name: `orchestration-${model.variant}`,
    kind: 'implementation',
    label: `Orchestration, ${model.variant} (Temporal workflow)`,
    completionSignal: `the ${WORKFLOW_TYPE_OF_VARIANT[model.variant]} workflow's result has arrived`,
    returnId: workload.returnId,
    ...trackedSubject(tracker, processes, false),
    submit,
    killTeam: (team) => served.killTeam(team),
    restartTeam: (team) => restartChild(supervisor.process(team), () => served.startTeam(team)),
    teamCompletions,
    // The team files hold every variant's returns: only this variant's are counted.
    verify: async () => {
      const mine = accepted();
      return verificationOf(
        "each team's SQLite file read after the run, records counted by returnId",
        mine,
        effectsOfReturns(await model.effects(), new Set(mine)),
        null,
      );
    },
  };
}
