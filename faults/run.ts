// `npm run faults`: both models under faults, against the real servers, with every team a process of its own.
// Kills, crash points and their negative controls, outages, server restarts, duplicate submissions and hostile
// input; one checker counts what was lost, duplicated or caused by rejected input, and compares the two models.
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCommandStack } from '../cli/command-stack';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { loadConfig } from '../config';
import { killAllChildren } from '../model/supervisor';
import { renderTable, type SuiteRun, writeReport } from './report';
import { FULL_SIZES, QUICK_SIZES, type Scenario, type ScenarioContext, type ScenarioResult } from './scenario';
import { compareAcrossModels, finalVerdict, runScenario, SCENARIOS } from './suite';

const USAGE = `Usage: npm run faults -- [--quick] [--out DIR] [--only ID,ID…]

Runs the fault scenarios against the servers KAFKA_BROKERS and TEMPORAL_ADDRESS name (started locally when none
answers), prints a table of scenario → figures, and writes it as faults.md and faults.json.

  --quick      reduced sizes: ${QUICK_SIZES.returns} returns per scenario, ${QUICK_SIZES.outageMs / 1000} s outages
               (default: ${FULL_SIZES.returns} returns, ${FULL_SIZES.outageMs / 1000} s outages)
  --out DIR    where to write the report (default: faults/results/latest)
  --only IDS   run only these scenarios (comma-separated): ${SCENARIOS.map((scenario) => scenario.id).join(', ')}
  -h, --help   this text

The two restart scenarios stop and start the Kafka broker and the Temporal server themselves, so they run only on
servers this stack started (STACK_DIR); run them on a stack of their own, e.g.
  STACK_DIR=/tmp/faults-stack KAFKA_BROKERS=127.0.0.1:39092 TEMPORAL_ADDRESS=127.0.0.1:37233 npm run faults
Servers it had to start are stopped when it ends, as \`npm run bench\` does; servers that already answered are
left running.
Exit codes: 0 every scenario that ran passed, 1 a scenario failed or a server failed, 2 a usage error or a bad
setting, 130/143 stopped by Ctrl-C or SIGTERM (every team process is stopped with it).`;

const DEFAULT_OUT = path.join(__dirname, 'results', 'latest');

interface SuiteOptions {
  readonly quick: boolean;
  readonly out?: string;
  readonly scenarios: readonly Scenario[];
}

// The command line, or the exit code of a usage error or a help request.
function parseOptions(): SuiteOptions | number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        out: { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = values.only
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  const unknown = only?.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`Unknown scenario(s): ${unknown.join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  const scenarios = only ? SCENARIOS.filter((scenario) => only.includes(scenario.id)) : SCENARIOS;
  return { quick: values.quick, out: values.out, scenarios };
}

// Every scenario in turn, each with its progress and its verdict said as it ends.
async function runScenarios(
  scenarios: readonly Scenario[],
  shared: Omit<ScenarioContext, 'seed' | 'progress'>,
  say: (line: string) => void,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    say(`(${index + 1}/${scenarios.length}) ${scenario.id}: ${scenario.title}`);
    shared.debug(`--- ${scenario.id}`);
    const context: ScenarioContext = { ...shared, seed: 20_260 + index, progress: (line) => say(`  ${line}`) };
    const result = await runScenario(scenario, context);
    results.push(result);
    if (result.skipped) {
      say(`  skipped: ${result.skipped}`);
      continue;
    }
    const { figures } = result;
    say(
      `  ${result.passed ? 'passed' : 'FAILED'} in ${(result.durationMs / 1000).toFixed(0)} s: lost ${figures.lost}, ` +
        `duplicated ${figures.duplicated}, rejected with effect ${figures.rejectedWithEffect}, ` +
        `refused with effect ${figures.standingAfterRefusal}, over stock ${figures.overStock}, ` +
        `completed ${figures.completed}/${figures.accepted}; ${result.recovery}`,
    );
    for (const problem of result.problems.slice(0, 5)) say(`    ${problem.split('\n')[0]}`);
    for (const note of result.notes) say(`    note: ${note}`);
  }
  return results;
}

async function main(entry: EntryPoint): Promise<number> {
  const options = parseOptions();
  if (typeof options === 'number') return options;
  const { scenarios } = options;
  const config = loadConfig();
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const outDir = path.resolve(options.out ?? DEFAULT_OUT);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const logFile = path.join(os.tmpdir(), `faults-${startedAt.replace(/[:.]/g, '-')}.log`);
  const debugLog = createWriteStream(logFile, { flags: 'a' });
  const elapsed = () => {
    const seconds = Math.round((performance.now() - started) / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  };
  const say = (line: string) => process.stderr.write(`[faults ${elapsed()}] ${line}\n`);
  const debug = (line: string) => debugLog.write(`${new Date().toISOString()} ${line}\n`);

  say(
    `${scenarios.length} scenarios, ${options.quick ? 'quick' : 'full'} sizes; child processes and servers log to ${logFile}`,
  );
  const stack = await ensureCommandStack(
    config,
    { kafka: true, temporal: true },
    { entry, log: say, stopWhenDone: true },
  );
  // Ctrl-C: every team process goes with the suite, before the servers it started (registered later, run first).
  entry.onStop((signal) => {
    process.stderr.write(`\n${signal}: stopping every team process\n`);
    killAllChildren();
  });
  try {
    const results = await runScenarios(scenarios, { base: config, sizes, debug }, say);

    const run: SuiteRun = {
      mode: options.quick ? 'quick' : 'full',
      sizes,
      startedAt,
      durationMs: performance.now() - started,
      servers: { kafka: config.kafkaBrokers.join(','), temporal: config.temporalAddress, stackDir: config.stackDir },
      results,
      identities: compareAcrossModels(results),
    };
    const written = writeReport(run, outDir);
    process.stdout.write(`\n${renderTable(run)}\n`);
    say(`report: ${path.relative(process.cwd(), written.markdown)}, ${path.relative(process.cwd(), written.json)}`);
    await new Promise<void>((resolve) => debugLog.end(resolve));
    const verdicts = results.map((result) => finalVerdict(result, run.identities.get(result.id)));
    const skipped = results.filter((result) => result.skipped);
    if (skipped.length > 0)
      say(`${skipped.length} scenario(s) skipped: ${skipped.map((result) => result.id).join(', ')} (see above)`);
    return verdicts.includes('FAIL') ? 1 : 0;
  } finally {
    // The restart scenarios may have started a server again: the pid files name the one to stop.
    if (!entry.stopping) await stack.stopStarted();
  }
}

// However the suite ends, no team process outlives it.
runEntryPoint(async (entry) => {
  try {
    return await main(entry);
  } finally {
    killAllChildren();
  }
});
