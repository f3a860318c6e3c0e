// `npm run bench`: both models and the bare platforms under them, on the same servers, returns and process layout:
// highest sustainable rate, latency from the intended send, CPU per return of every process, and one team's outage.
// Writes results.json, report.md and SVG charts to bench/results/latest/ (or --out).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Config, loadConfig } from '../config';
import { ensureCommandStack } from '../cli/command-stack';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import type { StackHandle } from '../stack/ensure';
import { killAllChildren } from '../model/supervisor';
import { type BenchContext, DEFAULT_BENCH_TUNING } from './context';
import { createProgress, type Progress } from './lib/progress';
import { type BenchOptions, type Family, parseBenchOptions, USAGE, UsageError } from './options';
import { IndexAllocator, type PhaseSettings, roundRate, runLoadPhase } from './load-phase';
import { runOutage } from './outage';
import { runLatencyPhases, runRamp } from './ramp';
import { writeReport } from './report/write-report';
import type { BenchResults, SubjectResult } from './results';
import { findServerProcesses } from './server-pids';
import { startChoreography } from './subjects/choreography';
import { startKafkaCeiling } from './subjects/kafka-ceiling';
import { startOrchestration } from './subjects/orchestration';
import { verifySubject } from './subjects/drive';
import type { Subject, SubjectGroup, SubjectName } from './subjects/subject';
import { startTemporalCeiling } from './subjects/temporal-ceiling';
import { createWorkload } from './workload';
import { evaluateTargets, fractionsOfCeilings, writeNotes } from './report/targets';
import { describeMachine, tuningDescription } from './machine';

const CEILING_OF: Partial<Record<SubjectName, SubjectName>> = {
  choreography: 'kafka-ceiling',
  'orchestration-parallel': 'temporal-ceiling-parallel',
  'orchestration-sequential': 'temporal-ceiling-sequential',
};

const EXIT_CODES = `Servers it had to start are stopped when it ends; servers that already answered are left running.
Exit codes: 0 every subject was measured, 1 a subject failed or a server failed, 2 a usage error or a bad setting,
130/143 stopped by Ctrl-C or SIGTERM (every team process is stopped with it).`;

const openGroups = new Set<SubjectGroup>();
// The servers this run started for itself, stopped when it ends, however it ends.
let stackOfRun: StackHandle | undefined;

function say(line: string): void {
  // Clears a progress bar being drawn on the same line.
  process.stderr.write(`${process.stderr.isTTY ? '\r\u001b[K' : ''}[bench] ${line}\n`);
}

function runScope(): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return `bench-${stamp}-${randomBytes(2).toString('hex')}`;
}

async function main(entry: EntryPoint): Promise<number> {
  const options = optionsOrExitCode();
  if (typeof options === 'number') return options;
  const startedAt = new Date();
  const startedMs = performance.now();
  const config: Config = { ...loadConfig(), scope: runScope() };
  const logDir = path.join(config.dataDir, 'bench-logs', config.scope);
  say(
    `run ${config.scope}: ${options.quick ? 'quick' : 'full'} mode, ${options.families.join(' and ')}; child logs in ${path.relative(process.cwd(), logDir) || logDir}`,
  );

  const stack = await ensureCommandStack(
    config,
    { kafka: options.families.includes('choreography'), temporal: options.families.includes('orchestration') },
    { entry, log: say, stopWhenDone: true },
  );
  stackOfRun = stack;
  // Registered after the stack's own stop, so it runs first: team processes go before the servers they use.
  stopTeamProcesses(entry);
  const servers = findServerProcesses(config);
  for (const server of servers)
    say(
      `${server.role}: ${server.pid === null ? 'pid unknown, its CPU is reported as n/a' : `pid ${server.pid} (${server.source})`}`,
    );
  const machine = await describeMachine(config, servers, options);

  const workload = createWorkload(options.seed);
  const childNodeOptions = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const context: BenchContext = {
    config,
    workload,
    servers,
    logDir,
    tuning: DEFAULT_BENCH_TUNING,
    childNodeOptions,
    log: say,
  };
  const { subjects, complete } = await measureFamilies(context, options);
  if (!options.keepData) rmSync(path.join(config.dataDir, config.scope), { recursive: true, force: true });

  const withFractions = fractionsOfCeilings(subjects, CEILING_OF);
  const targets = evaluateTargets(withFractions, options);
  const results: BenchResults = {
    schema: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - startedMs),
    complete,
    command: `npm run bench --${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    mode: options.quick ? 'quick' : 'full',
    seed: options.seed,
    workload: {
      poolSize: workload.poolSize,
      models: workload.models,
      repeatedOrderShare: 0,
      refusedShare: workload.refusedShare,
      note: `Return i has the same payload in every subject: a seeded pool of generated returns, cycled, each with its own returnId, orderId and serial number. No order is returned twice, so no refund depends on which of two returns a team saw first. ${(workload.refusedShare * 100).toFixed(1)}% of the pool is returned outside the window and refused by Sales: the parallel workflow then runs three compensations, the sequential one tells each team, and in the choreography Inventory releases its held unit and Manufacturing cancels its order.`,
    },
    machine,
    config: {
      kafkaBrokers: config.kafkaBrokers,
      kafkaPartitions: config.kafkaPartitions,
      temporalAddress: config.temporalAddress,
      temporalNamespace: config.temporalNamespace,
      scope: config.scope,
    },
    options: optionsDescription(options),
    tuning: tuningDescription(),
    subjects: withFractions,
    targets,
    notes: writeNotes(withFractions, targets, machine),
  };
  const written = await writeReport(results, options.out);
  await stack.stopStarted();

  if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(summaryOf(results, written));
  return complete ? 0 : 1;
}

// The options, or the exit code when there is nothing to run: --help, or a usage error.
function optionsOrExitCode(): BenchOptions | number {
  try {
    const parsed = parseBenchOptions(process.argv.slice(2));
    if (parsed !== 'help') return parsed;
    process.stdout.write(`${USAGE}\n\n${EXIT_CODES}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

// Each family's ceiling (when asked for), then its model: each group started, its subjects measured, and closed.
async function measureFamilies(
  context: BenchContext,
  options: BenchOptions,
): Promise<{ subjects: SubjectResult[]; complete: boolean }> {
  const progress = createProgress();
  const settings: PhaseSettings = {
    progress,
    retryWhenGeneratorLags: !options.quick,
    drainTimeoutMs: options.drainTimeoutMs,
    log: say,
  };
  const subjects: SubjectResult[] = [];
  let complete = true;
  const measure = async (start: () => Promise<SubjectGroup>, family: Family, asCeiling: boolean) => {
    const what = `${family}${asCeiling ? ' ceiling' : ''}`;
    let group: SubjectGroup;
    try {
      progress.phase(`${what}: starting the team processes`, 0);
      group = await start();
    } catch (error) {
      complete = false;
      say(`could not start ${what}: ${(error as Error).message}`);
      return;
    }
    openGroups.add(group);
    const indexes = new IndexAllocator();
    try {
      for (const subject of group.subjects) {
        subjects.push(await measureSubject(subject, family, indexes, options, settings, progress));
        if (subjects[subjects.length - 1].error) complete = false;
      }
    } finally {
      progress.phase(`${what}: stopping the team processes`, 0);
      openGroups.delete(group);
      await group.close();
    }
  };
  for (const family of options.families) {
    if (family === 'choreography') {
      if (options.ceilings) await measure(() => startKafkaCeiling(context, options.keepData), family, true);
      await measure(() => startChoreography(context, options.keepData), family, false);
    } else {
      if (options.ceilings) await measure(() => startTemporalCeiling(context, options.variants), family, true);
      await measure(() => startOrchestration(context, options.variants), family, false);
    }
  }
  progress.done();
  return { subjects, complete };
}

function optionsDescription(options: BenchOptions): BenchResults['options'] {
  return {
    families: options.families,
    variants: options.variants,
    ceilings: options.ceilings,
    durationMs: options.durationMs,
    warmUpMs: options.warmUpMs,
    rates: options.rates,
    ramps: options.ramps,
    bisections: options.bisections,
    latencyShares: options.latencyShares,
    outage: options.outage,
    drainTimeoutMs: options.drainTimeoutMs,
  };
}

async function measureSubject(
  subject: Subject,
  family: Family,
  indexes: IndexAllocator,
  options: BenchOptions,
  settings: PhaseSettings,
  progress: Progress,
): Promise<SubjectResult> {
  const plan = options.ramps[family];
  const base = {
    name: subject.name,
    kind: subject.kind,
    label: subject.label,
    completionSignal: subject.completionSignal,
    ceilingName: CEILING_OF[subject.name] ?? null,
    processes: runningProcesses(subject),
  };
  let result: SubjectResult = {
    ...base,
    warmUp: null,
    ramp: null,
    loadBasis: null,
    latency: [],
    outage: null,
    verification: null,
    childEvents: [],
    fractionOfCeiling: null,
  };
  try {
    say(`${subject.label}: warming up`);
    const warmUpRate = options.rates ? Math.min(...options.rates) : (plan.rates?.[0] ?? plan.startRate);
    const warmUp = await runLoadPhase(
      subject,
      indexes,
      { name: 'warm-up', kind: 'warm-up', rate: warmUpRate, durationMs: options.warmUpMs },
      settings,
    );
    result = { ...result, warmUp: warmUp.phase };
    const ramp = await runRamp(subject, indexes, plan, options.rates, options.durationMs, options.bisections, settings);
    result = { ...result, ramp };
    say(
      `${subject.label}: max sustainable ${ramp.maxSustainableRate === null ? 'none' : `${ramp.maxIsLowerBound ? '≥ ' : ''}${ramp.maxSustainableRate}/s`} (${ramp.stoppedBecause})`,
    );
    // With no sustainable step, the lowest rate tried stands in for the maximum, so the latency and outage phases
    // (and the check that an outage loses nothing) still run; the report says so.
    const lowest = ramp.steps.length > 0 ? Math.min(...ramp.steps.map((step) => step.rate)) : null;
    const max = ramp.maxSustainableRate ?? lowest;
    if (subject.kind === 'implementation' && max !== null) {
      const source =
        ramp.maxSustainableRate !== null ? 'max sustainable rate' : 'lowest rate tried (no rate was sustainable)';
      result = { ...result, loadBasis: { rate: max, source } };
      const latency = await runLatencyPhases(
        subject,
        indexes,
        max,
        options.latencyShares,
        options.durationMs,
        settings,
      );
      result = { ...result, latency };
      if (options.outage)
        result = { ...result, outage: await measureOutage(subject, indexes, max, options.outage, settings) };
    }
  } catch (error) {
    say(`${subject.label} failed: ${(error as Error).stack ?? String(error)}`);
    result = { ...result, error: (error as Error).message };
  }
  progress.phase(`${subject.name} verifying team state`, 0);
  try {
    result = { ...result, verification: await verifySubject(subject) };
  } catch (error) {
    result = {
      ...result,
      error: `${result.error ? `${result.error}; ` : ''}verification failed: ${(error as Error).message}`,
    };
  }
  result = {
    ...result,
    processes: runningProcesses(subject),
    childEvents: subject.processes.events().map(({ role, pid, what, detail }) => ({ role, pid, what, detail })),
  };
  return result;
}

// A team's outage at half the subject's maximum.
async function measureOutage(
  subject: Subject,
  indexes: IndexAllocator,
  max: number,
  outagePlan: NonNullable<BenchOptions['outage']>,
  settings: PhaseSettings,
): Promise<NonNullable<SubjectResult['outage']>> {
  const outage = await runOutage(
    subject,
    indexes,
    { team: 'inventory', rate: roundRate(max * 0.5), ...outagePlan },
    settings,
  );
  say(
    `${subject.label}: outage of inventory: max backlog ${outage.maxBacklog}, recovery ${outage.recoveryMs === null ? 'not reached' : `${(outage.recoveryMs / 1000).toFixed(1)} s`}`,
  );
  return outage;
}

function runningProcesses(subject: Subject): SubjectResult['processes'] {
  return subject.processes
    .running()
    .map(({ role, pid, readyAfterMs }) => ({ role, pid, readyAfterMs: Math.round(readyAfterMs) }));
}

function summaryOf(results: BenchResults, written: { dir: string; files: readonly string[] }): string {
  const lines = [
    '',
    `Benchmark ${results.config.scope} (${results.mode}), ${(results.durationMs / 1000).toFixed(0)} s`,
  ];
  for (const subject of results.subjects) {
    const ramp = subject.ramp;
    const max = ramp?.maxSustainableRate;
    const at50 = subject.latency.find((entry) => entry.share === 0.5)?.phase.latency;
    lines.push(
      `  ${subject.label.padEnd(62)} max ${max === null || max === undefined ? 'n/a' : `${ramp?.maxIsLowerBound ? '≥' : ''}${max}/s`}` +
        (at50 ? `, p99 at 50% ${at50.p99.toFixed(1)} ms` : '') +
        (subject.fractionOfCeiling !== null ? `, ${(subject.fractionOfCeiling * 100).toFixed(0)}% of ceiling` : '') +
        (subject.verification
          ? `, lost ${subject.verification.lost}, duplicated ${subject.verification.duplicatedEffects}`
          : '') +
        (subject.error ? `  FAILED: ${subject.error}` : ''),
    );
  }
  lines.push('', 'Targets:');
  for (const target of results.targets) lines.push(`  ${target.subject} ${target.what}: ${target.verdict}`);
  lines.push('', `Results in ${written.dir}: ${written.files.join(', ')}`, '');
  return `${lines.join('\n')}\n`;
}

// Ctrl-C or SIGTERM: the team processes get the stop grace of cli/entry-point.ts to leave cleanly; whatever is
// still there then is killed, and the servers this run started are stopped (ensureCommandStack).
function stopTeamProcesses(entry: EntryPoint): void {
  entry.onStop(async (signal) => {
    say(`${signal}: stopping the team processes`);
    await Promise.allSettled([...openGroups].map((group) => group.close()));
    killAllChildren();
  });
}

runEntryPoint(async (entry) => {
  try {
    return await main(entry);
  } finally {
    if (!entry.stopping) {
      killAllChildren();
      await stackOfRun?.stopStarted();
    }
  }
});
