// Both models opened through the one door (model/open.ts), each team a process of its own under the supervisor
// so the page can stop, start and kill it as the fault suite does, behind the dashboard's web server.
import { formatAuditTrail, readAuditTrail } from '../compare/audit-trails';
import { type Config, temporalUiUrl } from '../config';
import { openEventSourcedAuditReader } from '../event-sourced/model';
import { openModel } from '../model/open';
import { type Model, MODEL_NAMES, type ModelName, type ModelRole } from '../model/port';
import { openTraditionalAuditReader } from '../traditional/model';
import { Board } from './board';
import { Controls, teamControlSchema } from './controls';
import type { AuditView, DashboardServer } from './http-server';

export interface OpenDashboardOptions {
  readonly log?: (line: string) => void;
}

export interface Dashboard {
  readonly url: string;
  readonly board: Board;
  close(): Promise<void>;
}

export async function openDashboard(
  config: Config,
  server: DashboardServer,
  { log = () => undefined }: OpenDashboardOptions = {},
): Promise<Dashboard> {
  const asProcesses = { log };
  const opened = await Promise.allSettled([
    openModel(config, { name: 'traditional', asProcesses }),
    openModel(config, { name: 'event-sourced', asProcesses }),
  ]);
  const models = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    // The one that opened is closed again, so that a failed start leaves nothing running.
    await Promise.allSettled(models.map((model) => model.close()));
    throw failed.reason;
  }
  const [traditional, eventSourced] = models as [Model, Model];
  const closeModels = () => Promise.allSettled([traditional.close(), eventSourced.close()]);
  let readers: Awaited<ReturnType<typeof openReaders>>;
  try {
    readers = await openReaders(config);
  } catch (error) {
    await closeModels();
    throw error;
  }
  const board = new Board({ traditional, 'event-sourced': eventSourced }, log);
  await board.loadExisting().catch((error: unknown) => log(`could not read the scope's returns: ${String(error)}`));
  const controls = new Controls(board);
  const rolesOf = Object.fromEntries(
    MODEL_NAMES.map((name) => [name, board.models[name].processSpecs().map(({ role }) => role)]),
  ) as Record<ModelName, ModelRole[]>;
  const workflowsUrl = `${temporalUiUrl(config.temporalAddress)}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows`;
  server.attach({
    board,
    controls,
    teamSchema: teamControlSchema(rolesOf),
    async audit(returnId): Promise<AuditView> {
      const trail = await readAuditTrail(config, readers, returnId);
      // `npm run audit`'s own lines, the Temporal section beside the Kafka one.
      const [title, ...lines] = formatAuditTrail(trail);
      const kafkaAt = lines.findIndex((line) => line.startsWith('  Kafka team topics'));
      return {
        returnId,
        title,
        temporal: lines.slice(0, kafkaAt).filter((line) => line.length > 0),
        kafka: lines.slice(kafkaAt),
        temporalUrl: `${workflowsUrl}/${encodeURIComponent(trail.temporal.workflowId)}`,
      };
    },
  });
  return {
    url: server.url,
    board,
    async close() {
      controls.close();
      board.close();
      await Promise.allSettled([closeModels(), readers.traditional.close(), readers.eventSourced.close()]);
    },
  };
}

async function openReaders(config: Config) {
  const traditional = await openTraditionalAuditReader(config);
  try {
    return { traditional, eventSourced: await openEventSourcedAuditReader(config) };
  } catch (error) {
    await traditional.close();
    throw error;
  }
}
