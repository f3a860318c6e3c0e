// Runs the traditional model end to end: makes sure Temporal answers, runs User Support's workflow worker and the
// teams' workers in this process, then submits the returns, as User Support would.
import { ensureCommandStack } from '../cli/command-stack';
import { describeTeamRecords } from '../cli/describe-records';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { parseStartOptions, PROGRESS_HELP, REQUEST_OPTIONS_HELP, START_EXIT_CODES } from '../cli/start-options';
import { ReturnSubmission } from '../cli/submit-returns';
import { loadConfig } from '../config';
import { type ReturnOutcome, TEAMS } from '../domain';
import { ConflictingReturnError } from './client';
import { startTraditionalDeployment, type TraditionalDeployment } from './deployment';
import { installTemporalRuntime } from './worker';

const USAGE = `Usage: npm run traditional -- [--requests FILE|-] [--variant sequential|parallel] [--concurrency N] [--json]

Submits returns to the traditional model (Temporal orchestration) and prints what each team recorded, the
workflow id and its Temporal UI link. Starts the local Temporal server when none answers, and leaves it running.

${REQUEST_OPTIONS_HELP}
  --variant V      sequential: the seed's order, one team after another, Sales first
                   parallel: every team at once, undoing what a refusal leaves (default)
  --json           one ReturnOutcome as JSON per line on stdout; everything else on stderr
  -h, --help       this text

${PROGRESS_HELP}
Running it again in the same RETURNS_SCOPE submits the same returns again: their workflows already exist, so
nothing is decided twice and the same outcomes print again.

Settings: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_BIN, RETURNS_SCOPE, DATA_DIR, TEAM_STORE,
TEAM_DATABASE_URL, STACK_DIR, RETURNS_DEBUG (see Configuration in the README).
${START_EXIT_CODES}`;

async function main(entry: EntryPoint): Promise<number> {
  const options = parseStartOptions(process.argv.slice(2), USAGE);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  // Everything but outcomes goes to stderr in --json mode, so stdout stays one JSON document per line.
  const print = options.json ? log : (line: string): void => void process.stdout.write(`${line}\n`);

  const submission = await ReturnSubmission.open(options.requests, log);
  if (!(await submission.hasValidRequest())) {
    log(`No valid requests in ${submission.source}: nothing submitted.`);
    return submission.rejectedCount > 0 ? 1 : 0;
  }

  // Signals are this script's to handle (runEntryPoint), not the Temporal runtime's.
  installTemporalRuntime();
  // Servers are left running for the next command; `npm run stack:down` stops them.
  await ensureCommandStack(config, { kafka: false, temporal: true }, { entry, log: log, stopWhenDone: false });
  const deployment = await startTraditionalDeployment(config, { log });
  // A return still running when the workers stop is kept by Temporal, and finishes when they next run.
  entry.onStop(() => deployment.close());
  entry.onStop(() => log(submission.stoppedSummary(config.scope)));
  try {
    const count = submission.total === null ? 'the requests' : `${submission.total} request(s)`;
    print(`Traditional model (${options.variant}), scope ${config.scope}: ${count} from ${submission.source}`);
    await submission.run(
      (request) => deployment.submit(request, options.variant),
      (_request, outcome) => {
        if (options.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
        else printOutcome(print, deployment, outcome);
      },
      {
        concurrency: options.concurrency,
        stopping: () => entry.stopping,
        refusalOf: (error) => (error instanceof ConflictingReturnError ? error.message : null),
      },
    );
  } finally {
    if (!entry.stopping) await deployment.close();
  }
  if (submission.rejectedCount > 0)
    log(`${submission.rejectedCount} request(s) rejected and not submitted (see above).`);
  return submission.rejectedCount > 0 ? 1 : 0;
}

function printOutcome(print: (line: string) => void, deployment: TraditionalDeployment, outcome: ReturnOutcome): void {
  const lines = describeTeamRecords(outcome);
  const width = Math.max(...TEAMS.map((team) => team.length));
  print('');
  print(`${outcome.returnId}  workflow ${deployment.workflowId(outcome.returnId)}`);
  for (const team of TEAMS) print(`  ${team.padEnd(width)}  ${lines[team]}`);
  print(`  ${deployment.uiLink(outcome.returnId)}`);
}

runEntryPoint(main);
