// The Temporal ceiling: an empty workflow of each variant that calls four no-op activities, one per team's task
// queue, served by bench/ceilings/temporal-noop-worker.ts processes. The driver starts one workflow per return and
// awaits its result; the no-op teams keep nothing, so only the driver's view is there to check.
import type { Client } from '@temporalio/client';
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
import {
  restartChild,
  startCeilingProcesses,
  type SubjectProcesses,
  trackedSubject,
  watchProcesses,
} from './processes';
import { ReturnTracker } from './return-tracker';
import type { Subject, SubjectGroup } from './subject';

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
  const processes = watchProcesses(supervisor, context, 'temporal-server');
  return {
    subjects: workflowVariants.map((variant) => subjectOf(variant, client, supervisor, processes, context)),
    async close() {
      await supervisor.close();
      await client.connection.close();
    },
  };
}

function subjectOf(
  variant: ReturnVariant,
  client: Client,
  supervisor: Supervisor,
  processes: SubjectProcesses,
  context: BenchContext,
): Subject {
  const { config, workload } = context;
  const taskQueues = temporalCeilingTeamQueues(config.scope);
  // A tracker per variant: the variants share the workers, but run on return ids of their own.
  const tracker = new ReturnTracker(workload.indexOf);
  const submit: Subject['submit'] = (index) => {
    const request = workload.request(index);
    const done = tracker.expect(index, request.returnId);
    const run = async () => {
      const input: NoopWorkflowInput = { request, taskQueues };
      const handle = await client.workflow.start(CEILING_WORKFLOW_OF_VARIANT[variant], {
        workflowId: temporalCeilingWorkflowId(config.scope, request.returnId),
        taskQueue: temporalCeilingQueueOf(config.scope, CEILING_WORKFLOW_QUEUE_ROLE),
        args: [input],
      });
      await handle.result();
    };
    run().then(
      () => tracker.complete(request.returnId),
      (error: unknown) => tracker.fail(request.returnId, error as Error),
    );
    return done;
  };
  return {
    name: `temporal-ceiling-${variant}`,
    kind: 'ceiling',
    label: `Temporal ceiling (empty ${variant} workflow, four no-op activities)`,
    completionSignal: `the ${CEILING_WORKFLOW_OF_VARIANT[variant]} workflow's result has arrived`,
    returnId: workload.returnId,
    ...trackedSubject(tracker, processes, false),
    submit,
    killTeam: async (team) => void (await supervisor.process(team).kill()),
    restartTeam: (team) => restartChild(supervisor.process(team)),
    verify: async () => {
      const accepted = [...tracker.indexesIn('completed'), ...tracker.indexesIn('sent')].map(workload.returnId);
      const unfinished = tracker.indexesIn('sent').map(workload.returnId);
      return {
        method: "the driver's view only (the no-op activities keep no state)",
        sent: accepted.length,
        completeInTeamState: accepted.length - unfinished.length,
        lost: unfinished.length,
        lostExamples: unfinished.slice(0, 10),
        duplicatedEffects: 0,
        unreadableRecords: 0,
        perTeam: null,
        deadLetters: null,
      };
    },
  };
}
