// Runs the event-sourced model end to end: makes sure Kafka answers, runs the four team subscribers in this
// process, then has User Support publish one RefundRequested per return, and prints each team's answer as its
// event arrives. The outcome is read back from the team topics, never asked of the teams.
import type { RejectedRequest } from '../cli/request-input';
import { formatRejections, readRequests, RequestInputError } from '../cli/request-input';
import { parseStartOptions, UsageError } from '../cli/start-options';
import { loadConfig } from '../config';
import { describeTeamRecords, missingTeams, TEAMS } from '../domain';
import { ensureStack } from '../stack/ensure';
import { StackError } from '../stack/processes';
import { type EventSourcedDeployment, startEventSourcedDeployment } from './deployment';
import { EventLogUnavailableError } from './event-log';

const USAGE = `Usage: npm run event-sourced -- [--requests FILE|-] [--json]

Publishes returns to the event-sourced model (Kafka choreography) one after another, each waiting for the one
before, and prints each team's answer as its event arrives.

  --requests FILE  a JSON array of RefundRequests, or - for stdin (default: the built-in sample returns)
  --json           one ReturnOutcome as JSON per line on stdout; everything else on stderr
  --variant V      accepted for the same command line as \`npm run traditional\`, and ignored: every team
                   here reacts to the request on its own, which is the parallel variant
  -h, --help       this text

Running it again in the same RETURNS_SCOPE publishes the same requests again: the teams recognise them and add
nothing, and the outcomes are read back from the events already written.

Environment: KAFKA_BROKERS, KAFKA_PARTITIONS, RETURNS_SCOPE, STACK_DIR (see the README).
Exit code: 0 when every request was processed, 1 when any was rejected or a step failed, 2 on a usage error.`;

const WAITING_NOTICE_MS = 10_000;

async function main(argv: readonly string[]): Promise<number> {
  const options = parseStartOptions(argv, USAGE);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // Everything but outcomes goes to stderr in --json mode, so stdout stays one JSON document per line.
  const print = options.json ? log : (line: string) => process.stdout.write(`${line}\n`);
  if (argv.some((arg) => arg === '--variant' || arg.startsWith('--variant='))) {
    log(`Note: --variant ${options.variant} is ignored here; every team reacts to a request on its own.`);
  }

  const batch = await readRequests(options.requests);
  reportRejections(formatRejections(batch), batch.rejected, log);
  if (batch.accepted.length === 0) {
    log(`No valid requests in ${batch.source}: nothing published.`);
    return batch.rejected.length > 0 ? 1 : 0;
  }

  // Servers are left running for the next command; `npm run stack:down` stops them.
  await ensureStack(config, { kafka: true, temporal: false }, (line) => log(`[stack] ${line}`));
  const deployment = await startEventSourcedDeployment(config, { log });
  const stop = stopOnSignal(deployment);
  const width = Math.max(...TEAMS.map((team) => team.length));
  try {
    print(`Event-sourced model, scope ${config.scope}: ${batch.accepted.length} return(s) from ${batch.source}`);
    // In order, each complete before the next is published: a later return may depend on an earlier one (the
    // same order refunded twice, the last unit of a model), and teams answer requests on different partitions
    // in no particular order.
    for (const request of batch.accepted) {
      print('');
      const published = await deployment.publish(request);
      print(`${request.returnId}  published ${published.eventId} to ${deployment.topics.requests}`);
      // A team that is down holds its part of the return until it is back: say who is still awaited.
      const reminder = setInterval(() => {
        const missing = missingTeams(deployment.recordsOfReturn(request.returnId));
        log(`${request.returnId}  still waiting for ${missing.join(', ')}`);
      }, WAITING_NOTICE_MS);
      const outcome = await deployment
        .waitForOutcome(request.returnId, {
          onTeamRecord: (team, records) => print(`  ${team.padEnd(width)}  ${describeTeamRecords(records)[team]}`),
        })
        .finally(() => clearInterval(reminder));
      if (options.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
    }
  } finally {
    stop();
    await deployment.close();
  }
  return batch.rejected.length > 0 ? 1 : 0;
}

function reportRejections(
  messages: readonly string[],
  rejected: readonly RejectedRequest[],
  log: (line: string) => void,
): void {
  for (const message of messages) log(message);
  if (rejected.length > 0) log(`${rejected.length} request(s) rejected; the valid ones are published.`);
}

// Ctrl-C stops the teams after the requests in hand; anything published and not yet answered is answered on the
// next start, since the teams' groups resume from their last commit.
function stopOnSignal(deployment: EventSourcedDeployment): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: stopping the teams; unanswered requests are answered on the next run\n`);
    void deployment.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Usage, input and stack errors say what to do; anything else is a bug, worth its stack trace.
    const known =
      error instanceof UsageError ||
      error instanceof RequestInputError ||
      error instanceof StackError ||
      error instanceof EventLogUnavailableError;
    process.stderr.write(
      `${known || !(error instanceof Error) ? String((error as Error).message ?? error) : error.stack}\n`,
    );
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
