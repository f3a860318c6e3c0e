// The traditional model under load, and its Temporal ceiling. The driver is User Support's client: it starts one
// workflow per return and awaits its result, which comes once all four teams' activities have returned. The workers
// run as traditional/worker.ts processes (or bench/ceilings/temporal-noop-worker.ts); both variants share them.
import type { Client } from '@temporalio/client';
import { type Team, TEAMS } from '../../domain';
import { connectClient, type ReturnVariant, startReturn, WORKFLOW_TYPE_OF_VARIANT } from '../../traditional/client';
import { readTeamRecords, WORKER_TEAMS } from '../../traditional/teams';
import type { NoopWorkflowInput } from '../ceilings/noop.workflows';
import {
  CEILING_WORKFLOW_QUEUE_ROLE,
  temporalCeilingQueueOf,
  temporalCeilingTeamQueues,
  temporalCeilingWorkflowId,
} from '../ceilings/temporal-ceiling-queues';
import { type BenchContext, childEnv } from '../context';
import type { ProcessRole } from '../cpu-meter';
import { type ChildSpec, ProcessGroup } from '../team-processes';
import { ReturnTracker } from './return-tracker';
import type { Subject, SubjectGroup, SubjectName, TeamCompletion, Verification } from './subject';

const CEILING_WORKFLOW_OF_VARIANT: Readonly<Record<ReturnVariant, string>> = {
  sequential: 'noopSequential',
  parallel: 'noopParallel',
};

export async function startOrchestration(
  context: BenchContext,
  variant: 'model' | 'ceiling',
  workflowVariants: readonly ReturnVariant[],
): Promise<SubjectGroup> {
  const { config, workload } = context;
  const ceiling = variant === 'ceiling';
  const client: Client = await connectClient(config);
  const processes = new ProcessGroup({
    name: ceiling ? 'temporal-ceiling' : 'orchestration',
    env: childEnv(config),
    nodeOptions: context.childNodeOptions,
    logDir: context.logDir,
    log: context.log,
  });
  const childSpecs: ChildSpec[] = WORKER_TEAMS.map((role) => ({
    role,
    script: ceiling ? 'bench/ceilings/temporal-noop-worker.ts' : 'traditional/worker.ts',
    args: ['--team', role],
    ready: new RegExp(`^${role} worker serving `),
  }));
  try {
    await processes.startAll(childSpecs);
  } catch (error) {
    await processes.stopAll();
    await client.connection.close();
    throw error;
  }
  const ceilingQueues = temporalCeilingTeamQueues(config.scope);

  const processRoles = (): ProcessRole[] => [
    ...[...processes.pids()].map(([role, pid]) => ({ role, pid })),
    ...context.servers.filter((server) => server.role === 'temporal-server' && server.pid !== null).map((server) => ({ role: server.role, pid: server.pid as number })),
  ];

  function subjectOf(workflowVariant: ReturnVariant): Subject {
    const name: SubjectName = ceiling ? `temporal-ceiling-${workflowVariant}` : `orchestration-${workflowVariant}`;
    // A tracker per variant: the variants share the workers and the team files, but run on return ids of their own.
    const tracker = new ReturnTracker(workload.indexOf);
    const submit: Subject['submit'] = (index) => {
      const request = workload.request(index);
      const done = tracker.expect(index, request.returnId);
      const run = async () => {
        if (ceiling) {
          const input: NoopWorkflowInput = { request, taskQueues: ceilingQueues };
          const handle = await client.workflow.start(CEILING_WORKFLOW_OF_VARIANT[workflowVariant], {
            workflowId: temporalCeilingWorkflowId(config.scope, request.returnId),
            taskQueue: temporalCeilingQueueOf(config.scope, CEILING_WORKFLOW_QUEUE_ROLE),
            args: [input],
          });
          await handle.result();
        } else {
          // User Support's front door, as traditional/client.ts submitReturn does it: validate, start, await.
          const handle = await startReturn(client, config.scope, request, workflowVariant);
          await handle.result();
        }
      };
      run().then(
        () => tracker.complete(request.returnId),
        (error: unknown) => tracker.fail(request.returnId, error as Error),
      );
      return done;
    };
    return {
      name,
      kind: ceiling ? 'ceiling' : 'implementation',
      label: ceiling
        ? `Temporal ceiling (empty ${workflowVariant} workflow, four no-op activities)`
        : `Orchestration, ${workflowVariant} (Temporal workflow)`,
      completionSignal: `the ${ceiling ? CEILING_WORKFLOW_OF_VARIANT[workflowVariant] : WORKFLOW_TYPE_OF_VARIANT[workflowVariant]} workflow's result has arrived`,
      returnId: workload.returnId,
      seesTeams: false,
      submit,
      outstanding: () => tracker.outstanding(),
      outstandingPerTeam: () => null,
      waitUntilIdle: (timeoutMs) => tracker.waitUntilIdle(timeoutMs),
      processes: processRoles,
      runningChildren: () => processes.running(),
      childEvents: () => processes.events,
      killTeam: (team) => processes.kill(team),
      restartTeam: (team) => processes.restart(team),
      ...(ceiling ? {} : { teamCompletions }),
      verify: () => verify(tracker),
    };
  }

  // From each team's own SQLite records: when it recorded its part of each return (its own clock).
  async function teamCompletions(returnIds: readonly string[]): Promise<TeamCompletion[]> {
    const wanted = new Set(returnIds);
    const completions: TeamCompletion[] = [];
    for (const team of TEAMS) {
      for (const { record, recordedAt } of readTeamRecords(config, team)) {
        if (wanted.has(record.returnId)) completions.push({ returnId: record.returnId, team, recordedAtMs: Date.parse(recordedAt) });
      }
    }
    return completions;
  }

  async function verify(tracker: ReturnTracker): Promise<Verification> {
    const accepted = [...tracker.indexesIn('completed'), ...tracker.indexesIn('sent')].map(workload.returnId);
    if (ceiling) {
      // The no-op teams keep nothing: only the driver's view of the workflows is there to check.
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
    }
    // The team files hold both variants' returns: only this variant's are counted.
    const mine = new Set(accepted);
    const perTeam = {} as Record<Team, { records: number; returns: number; duplicates: number }>;
    const returnsOf = {} as Record<Team, Set<string>>;
    let duplicatedEffects = 0;
    for (const team of TEAMS) {
      const records = readTeamRecords(config, team).filter(({ record }) => mine.has(record.returnId));
      const counts = new Map<string, number>();
      for (const { record } of records) counts.set(record.returnId, (counts.get(record.returnId) ?? 0) + 1);
      const duplicates = [...counts.values()].reduce((sum, count) => sum + count - 1, 0);
      duplicatedEffects += duplicates;
      perTeam[team] = { records: records.length, returns: counts.size, duplicates };
      returnsOf[team] = new Set(counts.keys());
    }
    const lostIds = accepted.filter((returnId) => TEAMS.some((team) => !returnsOf[team].has(returnId)));
    return {
      method: "each team's SQLite file read after the run, records counted by returnId",
      sent: accepted.length,
      completeInTeamState: accepted.length - lostIds.length,
      lost: lostIds.length,
      lostExamples: lostIds.slice(0, 10),
      duplicatedEffects,
      unreadableRecords: 0,
      perTeam,
      deadLetters: null,
    };
  }

  return {
    subjects: workflowVariants.map(subjectOf),
    async close() {
      await processes.stopAll();
      await client.connection.close();
    },
  };
}
