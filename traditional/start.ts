// Runs the traditional model end to end: makes sure Temporal answers, runs User Support's workflow worker and the
// four teams' workers in this process, then submits the returns one after another, as User Support would.
import { formatRejections, readRequests, RequestInputError } from '../cli/request-input';
import { parseStartOptions, UsageError } from '../cli/start-options';
import { type Config, loadConfig } from '../config';
import { describeTeamRecords, type ReturnOutcome, TEAMS } from '../domain';
import { ensureStack } from '../stack/ensure';
import { StackError } from '../stack/processes';
import { TemporalUnavailableError } from './client';
import { startTraditionalDeployment, type TraditionalDeployment } from './deployment';
import { installTemporalRuntime } from './worker';

const USAGE = `Usage: npm run traditional -- [--requests FILE|-] [--variant sequential|parallel] [--json]

Submits returns to the traditional model (Temporal orchestration) one after another, each waiting for the one
before, and prints what each team recorded.

  --requests FILE  a JSON array of RefundRequests, or - for stdin (default: the built-in sample returns)
  --variant V      sequential: the seed's order, one team after another
                   parallel: all four teams at once (default)
  --json           one ReturnOutcome as JSON per line on stdout; everything else on stderr
  -h, --help       this text

Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, RETURNS_SCOPE, DATA_DIR, STACK_DIR (see the README).
Exit code: 0 when every request was processed, 1 when any was rejected or a step failed, 2 on a usage error.`;

async function main(argv: readonly string[]): Promise<number> {
  const options = parseStartOptions(argv, USAGE);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = configFromEnvironment();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // Everything but outcomes goes to stderr in --json mode, so stdout stays one JSON document per line.
  const print = options.json ? log : (line: string) => process.stdout.write(`${line}\n`);

  const batch = await readRequests(options.requests);
  for (const message of formatRejections(batch)) log(message);
  if (batch.accepted.length === 0) {
    log(`No valid requests in ${batch.source}: nothing submitted.`);
    return batch.rejected.length > 0 ? 1 : 0;
  }
  if (batch.rejected.length > 0) log(`${batch.rejected.length} request(s) rejected; submitting the ${batch.accepted.length} valid one(s).`);

  // This script stops the workers itself on a signal, so Temporal's runtime must not react to it as well.
  installTemporalRuntime({ shutdownSignals: [] });
  const signals = new SignalStop();
  try {
    // Servers are left running for the next command; `npm run stack:down` stops them.
    await ensureStack(config, { kafka: false, temporal: true }, (line) => log(`[stack] ${line}`));
    const deployment = await startTraditionalDeployment(config, { log });
    signals.closeFirst(deployment);
    try {
      print(`Traditional model (${options.variant}), scope ${config.scope}: ${batch.accepted.length} return(s) from ${batch.source}`);
      // In order, each finished before the next: a later return may depend on an earlier one (the same order
      // refunded twice, the last unit of a model).
      for (const request of batch.accepted) {
        const outcome = await deployment.submit(request, options.variant);
        if (options.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
        else printOutcome(print, deployment, outcome);
      }
    } finally {
      await deployment.close();
    }
  } finally {
    signals.remove();
  }
  return batch.rejected.length > 0 ? 1 : 0;
}

// A bad variable is a usage error: say which and why, without a stack trace.
function configFromEnvironment(): Config {
  try {
    return loadConfig();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function printOutcome(print: (line: string) => void, deployment: TraditionalDeployment, outcome: ReturnOutcome): void {
  const lines = describeTeamRecords(outcome);
  const width = Math.max(...TEAMS.map((team) => team.length));
  print('');
  print(`${outcome.returnId}  workflow ${deployment.workflowId(outcome.returnId)}`);
  for (const team of TEAMS) print(`  ${team.padEnd(width)}  ${lines[team]}`);
  print(`  ${deployment.uiLink(outcome.returnId)}`);
}

// Ctrl-C or SIGTERM stops the workers after their in-flight calls. A return still running is kept by Temporal
// and finishes when the workers next run, since its workflow id is reused by the next start with this scope.
class SignalStop {
  private deployment: TraditionalDeployment | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: stopping the workers; unfinished returns resume on the next run\n`);
    const closing = this.deployment ? this.deployment.close() : Promise.resolve();
    void closing.finally(() => process.exit(130));
  };

  constructor() {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  closeFirst(deployment: TraditionalDeployment): void {
    this.deployment = deployment;
  }

  remove(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Usage, input and stack errors say what to do; anything else is a bug, worth its stack trace.
    const known = [UsageError, RequestInputError, StackError, TemporalUnavailableError].some((type) => error instanceof type);
    const text = !(error instanceof Error) ? String(error) : known ? error.message : (error.stack ?? error.message);
    process.stderr.write(`${text}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
