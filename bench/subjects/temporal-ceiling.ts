// The Temporal ceiling: an empty workflow of each variant that calls four no-op activities, one per team's task
// queue, served by bench/ceilings/temporal-noop-worker.ts processes. The driver starts one workflow per return and
// awaits its result; the no-op teams keep nothing, so only the driver's view is there to check.
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { Supervisor } from '../../model/supervisor';
import { connectClient, type ReturnVariant } from '../../traditional/client';
import { WORKER_TEAMS } from '../../traditional/teams';
import type { NoopWorkflowInput } from '../ceilings/noop.workflows';
import {
  CEILING_WORKFLOW_QUEUE_ROLE,
  temporalCeilingQueueOf,
  temporalCeilingTeamQueues,
  temporalCeilingWorkflowId,
} from '../ceilings/temporal-ceiling-queues';
import type { BenchContext } from '../context';
import { startCeilingProcesses } from './processes';
import { type Door, type SubjectGroup, subjectOf } from './subject';

const CEILING_WORKFLOW_OF_VARIANT: Readonly<Record<ReturnVariant, string>> = {
  sequential: 'noopSequential',
  parallel: 'noopParallel',
};

export async function startTemporalCeiling(
  context: BenchContext,
  workflowVariants: readonly ReturnVariant[],
): Promise<SubjectGroup> {
  const client = await connectClient(context.config);
  let supervisor: Supervisor;
  try {
    supervisor = await startCeilingProcesses(
      context,
      'temporal-ceiling',
      WORKER_TEAMS.map((role) => ({
        role,
        script: 'bench/ceilings/temporal-noop-worker.ts',
        args: ['--team', role],
        ready: new RegExp(`^${role} worker serving `),
      })),
    );
  } catch (error) {
    await client.connection.close();
    throw error;
  }
  return {
    subjects: workflowVariants.map((variant) =>
      subjectOf(
        {
          name: `temporal-ceiling-${variant}`,
          kind: 'ceiling',
          label: `Temporal ceiling (empty ${variant} workflow, four no-op activities)`,
          completionSignal: `the ${CEILING_WORKFLOW_OF_VARIANT[variant]} workflow's result has arrived`,
          seesTeams: false,
          verifiedBy: "the driver's view only (the no-op activities keep no state)",
        },
        ceilingDoor(variant, client, supervisor, context.config),
        supervisor,
        context,
        'temporal-server',
      ),
    ),
    async close() {
      await supervisor.close();
      await client.connection.close();
    },
  };
}

// A workflow per return, started by the returnId as the model's are; the no-op teams keep nothing to read back.
function ceilingDoor(variant: ReturnVariant, client: Client, supervisor: Supervisor, config: Config): Door {
  const taskQueues = temporalCeilingTeamQueues(config.scope);
  const workflowId = (returnId: string) => temporalCeilingWorkflowId(config.scope, returnId);
  return {
    async accept(request) {
      const input: NoopWorkflowInput = { request, taskQueues };
      await client.workflow.start(CEILING_WORKFLOW_OF_VARIANT[variant], {
        workflowId: workflowId(request.returnId),
        taskQueue: temporalCeilingQueueOf(config.scope, CEILING_WORKFLOW_QUEUE_ROLE),
        args: [input],
      });
    },
    outcome: (returnId) => client.workflow.getHandle(workflowId(returnId)).result(),
    killTeam: async (team) => void (await supervisor.process(team).kill()),
    startTeam: (team) => supervisor.process(team).start(),
  };
}
