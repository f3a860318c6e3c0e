// Runs the event-sourced model end to end: makes sure Kafka answers, runs the five team subscribers in this
// process, then has User Support publish one RefundRequested per return, and prints each team's answer once its
// record stands (a unit held is not an answer yet). The outcome is read back from the team topics, never asked of
// the teams.
import { ensureCommandStack } from '../cli/command-stack';
import { describeTeamRecords } from '../cli/describe-records';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { parseStartOptions, PROGRESS_HELP, REQUEST_OPTIONS_HELP, START_EXIT_CODES } from '../cli/start-options';
import { ReturnSubmission } from '../cli/submit-returns';
import { loadConfig } from '../config';
import { missingTeams, type RefundRequest, type ReturnOutcome, TEAMS } from '../domain';
import { type EventSourcedDeployment, startEventSourcedDeployment } from './deployment';

const USAGE = `Usage: npm run event-sourced -- [--requests FILE|-] [--concurrency N] [--json]

Publishes returns to the event-sourced model (Kafka choreography) and prints each team's answer once it stands:
Sales' refund, and what the other teams made of it. Starts the local Kafka broker when none answers, and leaves it
running.

${REQUEST_OPTIONS_HELP}
  --json           one ReturnOutcome as JSON per line on stdout; everything else on stderr
  --variant V      accepted for the same command line as \`npm run traditional\`, and ignored: every team
                   here reacts on its own, to the request and to the events it reads
  -h, --help       this text

${PROGRESS_HELP}
Running it again in the same RETURNS_SCOPE publishes the same requests again: the teams recognise them and add
nothing, and the outcomes are read back from the events already written.

Settings: KAFKA_BROKERS, KAFKA_PARTITIONS, KAFKA_FETCH_MIN_BYTES, KAFKA_FETCH_MAX_WAIT_MS, RETURNS_SCOPE, STACK_DIR,
RETURNS_DEBUG (see Configuration in the README).
${START_EXIT_CODES}`;

const WAITING_NOTICE_MS = 10_000;
const TEAM_WIDTH = Math.max(...TEAMS.map((team) => team.length));

async function main(entry: EntryPoint): Promise<number> {
  const argv = process.argv.slice(2);
  const options = parseStartOptions(argv, USAGE);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  // Everything but outcomes goes to stderr in --json mode, so stdout stays one JSON document per line.
  const print = options.json ? log : (line: string): void => void process.stdout.write(`${line}\n`);
  if (argv.some((arg) => arg === '--variant' || arg.startsWith('--variant='))) {
    log(`Note: --variant ${options.variant} is ignored here; every team reacts on its own to what it reads.`);
  }

  const submission = await ReturnSubmission.open(options.requests, log);
  if (!(await submission.hasValidRequest())) {
    log(`No valid requests in ${submission.source}: nothing published.`);
    return submission.rejectedCount > 0 ? 1 : 0;
  }

  // Servers are left running for the next command; `npm run stack:down` stops them.
  await ensureCommandStack(config, { kafka: true, temporal: false }, { entry, log: log, stopWhenDone: false });
  const deployment = await startEventSourcedDeployment(config, { log });
  // Anything published and not yet answered is answered on the next start: the teams' groups resume from their
  // last commit.
  entry.onStop(() => deployment.close());
  entry.onStop(() => log(submission.stoppedSummary(config.scope)));
  // One return at a time, each team's answer is printed as it arrives; with several in flight, each return's
  // answers are printed together once it is complete, so they do not interleave.
  const live = options.concurrency === 1;
  try {
    const count = submission.total === null ? 'the requests' : `${submission.total} request(s)`;
    print(`Event-sourced model, scope ${config.scope}: ${count} from ${submission.source}`);
    await submission.run(
      (request) => publishAndAwait(deployment, request, live ? print : null, log),
      (_request, outcome) => {
        if (options.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
        else if (!live) printOutcome(print, outcome);
      },
      { concurrency: options.concurrency, stopping: () => entry.stopping },
    );
  } finally {
    if (!entry.stopping) await deployment.close();
  }
  if (submission.rejectedCount > 0)
    log(`${submission.rejectedCount} request(s) rejected and not published (see above).`);
  return submission.rejectedCount > 0 ? 1 : 0;
}

async function publishAndAwait(
  deployment: EventSourcedDeployment,
  request: RefundRequest,
  printLive: ((line: string) => void) | null,
  log: (line: string) => void,
): Promise<ReturnOutcome> {
  const published = await deployment.publish(request);
  printLive?.('');
  printLive?.(`${request.returnId}  published ${published.eventId} to ${deployment.topics.requests}`);
  // A team that is down holds its part of the return until it is back: say who is still awaited.
  const reminder = setInterval(() => {
    const missing = missingTeams(deployment.recordsOfReturn(request.returnId));
    log(`${request.returnId}  still waiting for ${missing.join(', ')}`);
  }, WAITING_NOTICE_MS);
  try {
    return await deployment.waitForOutcome(request.returnId, {
      onTeamRecord: printLive
        ? (team, records) => printLive(`  ${team.padEnd(TEAM_WIDTH)}  ${describeTeamRecords(records)[team]}`)
        : undefined,
    });
  } finally {
    clearInterval(reminder);
  }
}

function printOutcome(print: (line: string) => void, outcome: ReturnOutcome): void {
  const lines = describeTeamRecords(outcome);
  print('');
  print(outcome.returnId);
  for (const team of TEAMS) print(`  ${team.padEnd(TEAM_WIDTH)}  ${lines[team]}`);
}

runEntryPoint(main);
