// What every fault scenario shares: its sizes, the returns it runs, and how its result is judged. A scenario
// starts a model with every team in its own process, drives the returns through it while it injects its fault,
// lets it recover, and hands what the teams stored to the one checker.
import type { Config } from '../config';
import type { RefundRequest, ReturnOutcome } from '../domain';
import { generateReturns } from '../samples/generate-returns';
import type { CheckFigures, CheckResult } from '../model/effects-check';
import type { ModelName } from '../model/port';
import type { DriveResult } from './drive';
import { closeFaultModel, type FaultModel } from './open';

export interface Sizes {
  // Returns per scenario.
  readonly returns: number;
  // Returns where the fault is one moment (a crash point, duplicate submissions): enough around it.
  readonly fewerReturns: number;
  // SIGKILLs in the kill scenarios.
  readonly kills: number;
  // How long a team or server stays stopped.
  readonly outageMs: number;
  readonly concurrency: number;
}

export const FULL_SIZES: Sizes = { returns: 2_000, fewerReturns: 500, kills: 3, outageMs: 30_000, concurrency: 16 };
export const QUICK_SIZES: Sizes = { returns: 300, fewerReturns: 150, kills: 3, outageMs: 3_000, concurrency: 16 };

export interface ScenarioContext {
  readonly base: Config;
  readonly sizes: Sizes;
  // Which teams to kill and when: the same seed gives the same moments and victims.
  readonly seed: number;
  // Progress worth showing while the suite runs.
  readonly progress: (line: string) => void;
  // Everything the child processes and servers say, for when something goes wrong.
  readonly debug: (line: string) => void;
}

// Every scenario runs a prefix of one seeded set, so any two scenarios ran the same returns and, in the same
// dependency order, must come to the same outcomes.
export const RETURNS_SEED = 2026;

export function faultReturns(count: number): RefundRequest[] {
  return generateReturns({ seed: RETURNS_SEED, count, idPrefix: 'F' });
}

export type Expectation =
  // 0 lost, 0 duplicated, 0 effects from rejected input, every accepted return completed.
  | 'clean'
  // The negative control: idempotency switched off, so the same faults must show duplicates.
  | 'duplicates';

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly model: ModelName | 'both';
  readonly variant?: 'sequential' | 'parallel';
  readonly returns: number;
  // What was done to the model, in a few words.
  readonly faults: string;
  readonly expectation: Expectation;
  readonly figures: CheckFigures;
  // Recovery and lag figures, in a few words for the table.
  readonly recovery: string;
  // Everything measured, for the JSON report.
  readonly details: Readonly<Record<string, unknown>>;
  // Why the scenario failed, if it did: the checker's first problems and any check of the scenario's own.
  readonly problems: readonly string[];
  // What a reader should know that does not fail the scenario, e.g. a kill that found nothing in the victim's hands.
  readonly notes: readonly string[];
  readonly passed: boolean;
  readonly durationMs: number;
  // Each completed return's outcome, for the comparison between the models.
  readonly outcomes: ReadonlyMap<string, ReturnOutcome>;
  // Set when the scenario could not run here at all, with the reason.
  readonly skipped?: string;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly model: ModelName | 'both';
  // Restarts a server: excluded from the reduced suite, and refused on servers the stack did not start.
  readonly restarts?: 'kafka' | 'temporal';
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

export interface Verdict {
  readonly id: string;
  readonly title: string;
  readonly model: ModelName | 'both';
  readonly variant?: 'sequential' | 'parallel';
  readonly returns: number;
  readonly faults: string;
  readonly expectation?: Expectation;
  readonly recovery: string;
  readonly details?: Readonly<Record<string, unknown>>;
  // Checks of the scenario's own, beyond the checker's: each a problem when it failed.
  readonly ownProblems?: readonly string[];
  readonly notes?: readonly string[];
}

// Judges a scenario from the checker's figures and the scenario's own checks.
export function judge(
  verdict: Verdict,
  check: CheckResult,
  drive: DriveResult | null,
  startedAt: number,
): ScenarioResult {
  const expectation = verdict.expectation ?? 'clean';
  const { figures } = check;
  const problems = [...(verdict.ownProblems ?? [])];
  if (drive?.failure && expectation === 'clean') problems.push(`drive: ${drive.failure}`);
  if (expectation === 'clean') {
    problems.push(...check.problems);
  } else if (figures.duplicated === 0) {
    problems.push(
      'negative control: idempotency was off and the same faults left no duplicate, so the kills missed the window',
    );
  }
  const clean =
    figures.lost === 0 &&
    figures.duplicated === 0 &&
    figures.rejectedWithEffect === 0 &&
    figures.notCompleted === 0 &&
    figures.standingAfterRefusal === 0 &&
    figures.overStock === 0;
  const passed = problems.length === 0 && (expectation === 'duplicates' ? figures.duplicated > 0 : clean);
  return {
    id: verdict.id,
    title: verdict.title,
    model: verdict.model,
    ...(verdict.variant ? { variant: verdict.variant } : {}),
    returns: verdict.returns,
    faults: verdict.faults,
    expectation,
    figures,
    recovery: verdict.recovery,
    details: {
      ...(drive
        ? {
            driveSeconds: seconds(drive.durationMs),
            acceptErrors: drive.acceptErrors.length,
            firstAcceptError: drive.acceptErrors[0]?.message ?? null,
            longestAcceptSeconds: seconds(drive.longestAcceptMs),
          }
        : {}),
      ...verdict.details,
    },
    problems,
    notes: verdict.notes ?? [],
    passed,
    durationMs: performance.now() - startedAt,
    outcomes: check.outcomes,
  };
}

export function skippedResult(scenario: Scenario, reason: string): ScenarioResult {
  return {
    id: scenario.id,
    title: scenario.title,
    model: scenario.model,
    returns: 0,
    faults: '',
    expectation: 'clean',
    figures: {
      accepted: 0,
      rejected: 0,
      lost: 0,
      duplicated: 0,
      rejectedWithEffect: 0,
      standingAfterRefusal: 0,
      overStock: 0,
      completed: 0,
      notCompleted: 0,
      copies: 0,
    },
    recovery: '',
    details: {},
    problems: [],
    notes: [],
    passed: false,
    durationMs: 0,
    outcomes: new Map(),
    skipped: reason,
  };
}

// Runs a scenario body with its model, and always closes the model, whatever happens in between.
export async function withModel<M extends FaultModel, R>(
  start: () => Promise<M>,
  body: (model: M) => Promise<R>,
): Promise<R> {
  const model = await start();
  try {
    return await body(model);
  } finally {
    await closeFaultModel(model);
  }
}

export function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// An error's message with its cause's, on one line: "Failed to start Workflow" says little without why.
export function describeError(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return `${message}${cause && !message.includes(cause) ? `: ${cause}` : ''}`.split('\n')[0].slice(0, 240);
}
