// What the page's buttons may ask for, each validated whole before anything runs: the samples, a burst of
// generated returns at a bounded count and rate, and stopping, starting or killing one of a model's processes,
// named by a role the model itself lists. Nothing from a request is ever run as a command.
import { z } from 'zod';
import { createWorkload, type Workload } from '../bench/workload';
import { MODEL_NAMES, type ModelName, type ModelRole } from '../model/port';
import { SAMPLE_RETURNS } from '../samples/sample-returns';
import type { Board } from './board';

export const BURST_LIMITS = { count: { min: 1, max: 500 }, ratePerSecond: { min: 0.2, max: 50 } } as const;

export const samplesSchema = z.strictObject({});

export const burstSchema = z.strictObject({
  count: z.int().min(BURST_LIMITS.count.min).max(BURST_LIMITS.count.max),
  ratePerSecond: z.number().min(BURST_LIMITS.ratePerSecond.min).max(BURST_LIMITS.ratePerSecond.max),
});

export const TEAM_ACTIONS = ['stop', 'start', 'kill'] as const;

// The roles each model runs as processes of its own: the only names a team control accepts.
export function teamControlSchema(rolesOf: Readonly<Record<ModelName, readonly ModelRole[]>>) {
  return z
    .strictObject({
      model: z.enum(MODEL_NAMES as [ModelName, ...ModelName[]]),
      role: z.string().max(40),
      action: z.enum(TEAM_ACTIONS),
    })
    .superRefine((value, context) => {
      const roles = rolesOf[value.model];
      if (!roles.includes(value.role as ModelRole)) {
        context.addIssue({
          code: 'custom',
          path: ['role'],
          message: `the ${value.model} model runs no process "${value.role}"; it runs ${roles.join(', ')}`,
        });
      }
    })
    .transform((value) => ({ ...value, role: value.role as ModelRole }));
}

// A control that cannot run now (the samples already on their way): 409, and nothing more runs.
export class BusyError extends Error {}

export class Controls {
  private samplesRunning = false;
  private nextBurstIndex: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly board: Board,
    private readonly workload: Workload = createWorkload(),
  ) {
    // A burst never reuses the ids of one the scope already holds.
    const used = board.returnIds().flatMap((returnId) => workload.indexOf(returnId) ?? []);
    this.nextBurstIndex = used.length > 0 ? Math.max(...used) + 1 : 0;
  }

  // The six built-in returns, one after another, each to both models at once, as `npm start` does: a later one may
  // depend on an earlier one (the same order refunded twice, the last unit of a model).
  submitSamples(): { readonly returnIds: string[] } {
    if (this.samplesRunning) throw new BusyError('The samples are being submitted already; wait until they settle.');
    this.samplesRunning = true;
    void (async () => {
      try {
        for (const request of SAMPLE_RETURNS) {
          if (this.closed) return;
          await this.board.track(request);
        }
        this.board.notice(`The ${SAMPLE_RETURNS.length} samples settled.`);
      } finally {
        this.samplesRunning = false;
      }
    })();
    this.board.notice(`Submitting the ${SAMPLE_RETURNS.length} samples to both models.`);
    return { returnIds: SAMPLE_RETURNS.map(({ returnId }) => returnId) };
  }

  // Generated returns (the benchmark's seeded workload: no two share an order) handed over at a steady rate, each
  // to both models at once, without waiting for the ones before.
  burst(count: number, ratePerSecond: number): { readonly first: string; readonly last: string } {
    const first = this.nextBurstIndex;
    this.nextBurstIndex += count;
    for (let i = 0; i < count; i++) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (!this.closed) void this.board.track(this.workload.request(first + i));
        },
        (i * 1000) / ratePerSecond,
      );
      this.timers.add(timer);
    }
    const range = { first: this.workload.returnId(first), last: this.workload.returnId(first + count - 1) };
    this.board.notice(`Submitting ${count} generated returns (${range.first} to ${range.last}) at ${ratePerSecond}/s.`);
    return range;
  }

  async team(model: ModelName, role: ModelRole, action: (typeof TEAM_ACTIONS)[number]): Promise<void> {
    await this.board.control(model, role, action);
    const done = action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'killed';
    this.board.notice(`${model} ${role} ${done}.`);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
