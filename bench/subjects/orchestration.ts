// The traditional model under load, through its door (traditional/model.ts), as it is. The driver is User
// Support's client: it starts one workflow per return and awaits its result (the port's outcome), which comes once
// every team's activities have returned. The workers run as traditional/worker.ts processes, which both workflow
// variants share.
import { type ReturnVariant, WORKFLOW_TYPE_OF_VARIANT } from '../../traditional/client';
import { openTraditionalModel } from '../../traditional/model';
import type { BenchContext } from '../context';
import { asProcessesOf } from './processes';
import { type SubjectGroup, subjectOf } from './subject';

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
  return {
    subjects: models.map((model) =>
      subjectOf(
        {
          name: `orchestration-${model.variant}`,
          kind: 'implementation',
          label: `Orchestration, ${model.variant} (Temporal workflow)`,
          completionSignal: `the ${WORKFLOW_TYPE_OF_VARIANT[model.variant]} workflow's result has arrived`,
          seesTeams: false,
          verifiedBy: "each team's SQLite file read after the run, records counted by returnId",
        },
        // The model's own door, but for its workers: the variants share them, and the model that serves them kills
        // and restarts a team.
        {
          accept: (request) => model.accept(request),
          outcome: (returnId) => model.outcome(returnId),
          effects: () => model.effects(),
          killTeam: (team) => served.killTeam(team),
          startTeam: (team) => served.startTeam(team),
        },
        supervisor,
        context,
        'temporal-server',
      ),
    ),
    async close() {
      await Promise.all(models.map((model) => model.close()));
    },
  };
}
