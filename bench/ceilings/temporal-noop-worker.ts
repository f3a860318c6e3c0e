// A worker of the Temporal ceiling, one per process as in the traditional model: a team serving the no-op activity
// on its own task queue, or User Support serving the no-op workflows; default worker options, as traditional/ uses.
//   ts-node bench/ceilings/temporal-noop-worker.ts --team sales|inventory|manufacturing|accounting|user-support
import { parseArgs } from 'node:util';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { TEAMS } from '../../domain';
import { installTemporalRuntime } from '../../traditional/worker';
import { createNoopActivities } from './noop.activities';
import { CEILING_WORKFLOW_QUEUE_ROLE, temporalCeilingQueueOf } from './temporal-ceiling-queues';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { team: { type: 'string' } } });
  const team =
    values.team === CEILING_WORKFLOW_QUEUE_ROLE
      ? CEILING_WORKFLOW_QUEUE_ROLE
      : TEAMS.find((candidate) => candidate === values.team);
  if (!team) throw new Error(`--team must be one of ${[...TEAMS, CEILING_WORKFLOW_QUEUE_ROLE].join(', ')}`);
  const config = loadConfig();
  // A ceiling worker is stopped by its supervisor's signal: Temporal's own handler shuts it down gracefully.
  installTemporalRuntime({ shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const taskQueue = temporalCeilingQueueOf(config.scope, team);
  try {
    const worker =
      team === CEILING_WORKFLOW_QUEUE_ROLE
        ? await Worker.create({
            connection,
            namespace: config.temporalNamespace,
            taskQueue,
            workflowBundle: await bundleWorkflowCode({
              workflowsPath: require.resolve('./noop.workflows'),
              logger: Runtime.instance().logger,
            }),
          })
        : await Worker.create({
            connection,
            namespace: config.temporalNamespace,
            taskQueue,
            activities: createNoopActivities(team),
          });
    process.stderr.write(`${team} worker serving ${taskQueue}\n`);
    // Temporal's runtime shuts the worker down on SIGINT and SIGTERM; run() then resolves.
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
