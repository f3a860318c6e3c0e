// Each model as the fault scenarios run it, through the one door (model/port.ts): every team (and, in the
// traditional model, User Support's workflow worker) a child process of its own under the one supervisor, in a
// scope of the scenario's own; in this process only what a caller has, the publisher or the Temporal client.
// The negative control and the crash points are the edge entries of faults/edge/, put in place of the model's
// own process specs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import { type EventSourcedModel, openEventSourcedModel } from '../event-sourced/model';
import { topicSpecs } from '../event-sourced/topics';
import type { ModelName, ModelRole, ProcessSpec } from '../model/port';
import type { Supervisor } from '../model/supervisor';
import { openTraditionalModel, type TraditionalModel } from '../traditional/model';
import type { ReturnVariant } from '../traditional/client';
import { answersOf } from './answers';

export type FaultModel = TraditionalModel | EventSourcedModel;

export interface FaultModelOptions {
  readonly base: Config;
  // Becomes part of the scope: topics, groups, task queues, workflow ids and databases are the scenario's own.
  readonly label: string;
  // The traditional model's workflow; the event-sourced model has none.
  readonly variant?: ReturnVariant;
  // The negative control: every team runs for its whole life without idempotency (faults/edge/).
  readonly negativeControl?: boolean;
  // Called once the processes exist and before they start: where a scenario arms a crash point.
  readonly beforeStart?: (processes: Supervisor) => void;
  readonly log?: (line: string) => void;
}

export function faultScope(label: string): string {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 24)
    .replace(/-+$/, '');
  return `f-${safe}-${randomBytes(4).toString('hex')}`;
}

// The test-only entry of a team's process (faults/edge/), with the faults it is run with; User Support keeps no
// store, so it has none and always runs as in production.
function edgeRun(
  model: ModelName,
  role: ModelRole,
  negativeControl: boolean,
  faults: readonly string[],
): Pick<ProcessSpec, 'script' | 'args'> {
  return model === 'event-sourced'
    ? {
        script: 'faults/edge/event-sourced-team.ts',
        args: ['--team', role, ...(negativeControl ? ['--from-empty-state'] : []), ...faults],
      }
    : {
        script: 'faults/edge/traditional-worker.ts',
        args: ['--team', role, ...(negativeControl ? ['--decide-again'] : []), ...faults],
      };
}

// What a team's process runs, for the one start that must die at its crash point for the return.
export function crashRun(
  model: ModelName,
  role: ModelRole,
  returnId: string,
  negativeControl: boolean,
): Pick<ProcessSpec, 'script' | 'args'> {
  if (role === 'user-support') throw new Error(`${model} ${role} has no crash point`);
  return edgeRun(model, role, negativeControl, [
    model === 'event-sourced' ? '--crash-after-append' : '--crash-after-record',
    returnId,
  ]);
}

function processSpecs(model: ModelName, negativeControl: boolean): (specs: readonly ProcessSpec[]) => ProcessSpec[] {
  return (specs) =>
    specs.map((spec) =>
      negativeControl && spec.role !== 'user-support' ? { ...spec, ...edgeRun(model, spec.role, true, []) } : spec,
    );
}

// Creating topics while the broker creates others can fail for a moment ("This server does not host this
// topic-partition"): an error the broker marks retriable is tried again, a few times, as any caller would.
async function retryingTransient<T>(attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || tried >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * tried));
    }
  }
}

export async function openFaultModel(name: ModelName, options: FaultModelOptions): Promise<FaultModel> {
  const negativeControl = options.negativeControl ?? false;
  const asProcesses = {
    specs: processSpecs(name, negativeControl),
    beforeStart: options.beforeStart,
    log: options.log,
  };
  let model: FaultModel;
  if (name === 'event-sourced') {
    const config: Config = { ...options.base, scope: faultScope(options.label) };
    model = await retryingTransient(() =>
      openEventSourcedModel(config, { asProcesses, restartCrashedTeamsAfterMs: 1_000 }),
    );
  } else {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'faults-traditional-'));
    const config: Config = { ...options.base, scope: faultScope(options.label), dataDir };
    model = await openTraditionalModel(config, { variant: options.variant, asProcesses }).catch((error: unknown) => {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    });
  }
  // Followed from the start: the drive asks which team answered each return.
  answersOf(model);
  return model;
}

// Stops every process, then removes the scope's topics or databases.
export async function closeFaultModel(model: FaultModel): Promise<void> {
  if (model.name === 'event-sourced') {
    await model.processes?.close();
    await model.deployment.eventLog
      .deleteTopics(topicSpecs(model.config).map(({ topic }) => topic))
      .catch(() => undefined);
    await model.close();
  } else {
    await model.close();
    rmSync(model.config.dataDir, { recursive: true, force: true });
  }
}

// The process that runs a role of the model.
export function processOf(model: FaultModel, role: ModelRole) {
  if (!model.processes) throw new Error(`${model.label} runs its teams in this process`);
  return model.processes.process(role);
}
