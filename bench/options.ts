// Command-line options of `npm run bench`, with the full and the quick defaults.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ReturnVariant } from '../traditional/client';
import { DEFAULT_SEED } from './workload';
import { ActionableError } from '../cli/actionable-error';

export type Family = 'choreography' | 'orchestration';
export const FAMILIES: readonly Family[] = ['choreography', 'orchestration'];

export interface RampPlan {
  readonly startRate: number;
  readonly factor: number;
  readonly maxSteps: number;
  // Used in quick mode: a few fixed rates instead of a search.
  readonly rates: readonly number[] | null;
}

export interface BenchOptions {
  readonly quick: boolean;
  readonly families: readonly Family[];
  readonly variants: readonly ReturnVariant[];
  readonly ceilings: boolean;
  // Each measured phase: every ramp step and every latency phase.
  readonly durationMs: number;
  readonly warmUpMs: number;
  // --rates: measure exactly these rates instead of searching.
  readonly rates: readonly number[] | null;
  readonly ramps: Readonly<Record<Family, RampPlan>>;
  readonly bisections: number;
  readonly latencyShares: readonly number[];
  readonly outage: { readonly preMs: number; readonly outageMs: number; readonly postMs: number } | null;
  // After a phase's load stops: how long to wait for its returns, and then for everything still open.
  readonly drainTimeoutMs: number;
  readonly seed: number;
  readonly out: string;
  readonly json: boolean;
  readonly keepData: boolean;
  // Where each child process writes a V8 CPU profile (node --cpu-prof) when it stops; null for none.
  readonly cpuProfileDir: string | null;
}

export const USAGE = `Usage: npm run bench -- [options]

Drives both models (Temporal orchestration and Kafka choreography) and their platform ceilings against the
running servers, and writes results.json, report.md and SVG charts to the results folder.

  --quick               a short run (under 2 minutes): fixed rates, short phases, a 5 s outage, parallel only
  --duration SECONDS    length of each measured phase (ramp steps, latency phases); default 15, quick 2
  --rates R1,R2,...     measure exactly these rates (returns/s) instead of searching for the maximum
  --only FAMILY         orchestration or choreography (with its ceiling)
  --variants V1,V2      workflow variants of the orchestration: parallel,sequential (default both; quick parallel)
  --outage SECONDS      how long Inventory is down in the outage phase; 0 skips it; default 30, quick 5
  --no-ceilings         skip the platform ceilings
  --seed N              seed of the generated returns; default ${DEFAULT_SEED}
  --out DIR             results folder; default bench/results/latest
  --json                print results.json to stdout
  --keep-data           keep the run's topics and team databases
  --cpu-prof DIR        run every team process with node --cpu-prof, writing its profile to DIR when it stops
  -h, --help            this text`;

export class UsageError extends ActionableError {
  constructor(message: string) {
    super(message, 2);
  }
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean' },
      duration: { type: 'string' },
      rates: { type: 'string' },
      only: { type: 'string' },
      variants: { type: 'string' },
      outage: { type: 'string' },
      'no-ceilings': { type: 'boolean' },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'keep-data': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const number = (name: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min)
      throw new UsageError(`--${name} must be a number of at least ${min}, got "${text}"`);
    return value;
  };
  let families: readonly Family[] = FAMILIES;
  if (values.only !== undefined) {
    const family = FAMILIES.find((candidate) => candidate === values.only);
    if (!family) throw new UsageError(`--only must be orchestration or choreography, got "${values.only}"`);
    families = [family];
  }
  let variants: readonly ReturnVariant[] = quick ? ['parallel'] : ['parallel', 'sequential'];
  if (values.variants !== undefined) {
    const listed = values.variants.split(',').map((variant) => variant.trim());
    if (listed.length === 0 || listed.some((variant) => variant !== 'parallel' && variant !== 'sequential')) {
      throw new UsageError(`--variants must list parallel and/or sequential, got "${values.variants}"`);
    }
    variants = [...new Set(listed)] as ReturnVariant[];
  }
  let rates: number[] | null = null;
  if (values.rates !== undefined) {
    rates = values.rates.split(',').map((text) => number('rates', text.trim(), 0, 0.01));
    if (rates.length === 0) throw new UsageError('--rates needs at least one rate');
  }
  const durationMs = number('duration', values.duration, quick ? 2 : 15, 0.5) * 1000;
  const outageMs = number('outage', values.outage, quick ? 5 : 30, 0) * 1000;
  return {
    quick,
    families,
    variants,
    ceilings: values['no-ceilings'] !== true,
    durationMs,
    warmUpMs: quick ? 1_000 : 5_000,
    rates,
    ramps: quick
      ? {
          choreography: { startRate: 250, factor: 2, maxSteps: 3, rates: [250, 500, 1000] },
          orchestration: { startRate: 20, factor: 2, maxSteps: 3, rates: [20, 40, 80] },
        }
      : {
          choreography: { startRate: 250, factor: 2, maxSteps: 9, rates: null },
          orchestration: { startRate: 25, factor: 2, maxSteps: 9, rates: null },
        },
    bisections: quick ? 0 : 2,
    latencyShares: [0.25, 0.5, 0.8],
    outage:
      outageMs > 0
        ? { preMs: quick ? 1_000 : 5_000, outageMs, postMs: quick ? 4_000 : Math.max(30_000, outageMs * 1.5) }
        : null,
    drainTimeoutMs: quick ? 30_000 : 180_000,
    seed: number('seed', values.seed, DEFAULT_SEED, 0),
    // npm runs scripts in the package folder; a relative --out means relative to where the user typed it.
    out:
      values.out === undefined
        ? path.join(__dirname, 'results', 'latest')
        : path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
    json: values.json === true,
    keepData: values['keep-data'] === true,
    cpuProfileDir:
      values['cpu-prof'] === undefined ? null : path.resolve(process.env.INIT_CWD ?? process.cwd(), values['cpu-prof']),
  };
}
