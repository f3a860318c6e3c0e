// `npm start`: the main demo. Runs the same returns through both models on the same servers, prints what each
// team did in each model side by side, checks the outcomes are identical, and shows one return's audit trail
// from both sources: Temporal's workflow history and the Kafka team topics.
import { type Paint, paintFor } from '../cli/colour';
import { ensureCommandStack } from '../cli/command-stack';
import { describeTeamRecords } from '../cli/describe-records';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { parseStartOptions, PROGRESS_HELP, REQUEST_OPTIONS_HELP } from '../cli/start-options';
import { ReturnSubmission } from '../cli/submit-returns';
import { type Config, loadConfig, loadOutputSettings, temporalUiUrl } from '../config';
import { type RefundRequest, type ReturnOutcome, TEAMS } from '../domain';
import { formatAuditTrail, readAuditTrail } from './audit-trails';
import {
  closeBothModels,
  compareRecordsOfBoth,
  describeStaleRecords,
  type ModelPair,
  openBothModels,
} from './both-models';
import { describeDifference, firstDifference } from './first-difference';

const USAGE = `Usage: npm start -- [--requests FILE|-] [--variant parallel|sequential] [--concurrency N] [--audit RETURN_ID]

Runs the returns through both models on the same servers, prints what every team did in each model side by side,
checks that outcomes and team records are identical, and shows one return's audit trail from both sources.
Starts the local Kafka broker and Temporal server when none answers, and leaves them running.

${REQUEST_OPTIONS_HELP}
  --variant V      the traditional workflow: parallel, every team at once with compensation on a refusal
                   (default), or sequential, the seed's order; the event-sourced teams always react
                   on their own
  --audit ID       the return whose audit trail is shown (default: the first one)
  -h, --help       this text

${PROGRESS_HELP}
On a terminal "same", "DIFFERENT" and the verdict are coloured; NO_COLOR turns that off, FORCE_COLOR on.

Settings: KAFKA_BROKERS, KAFKA_PARTITIONS, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_BIN, RETURNS_SCOPE,
DATA_DIR, TEAM_STORE, TEAM_DATABASE_URL, STACK_DIR, RETURNS_DEBUG, NO_COLOR, FORCE_COLOR (see Configuration in
the README).
Exit codes:
  0        every request was processed, and both models agree on every outcome and team record
  1        a request was rejected, the models differ, the scope holds stale state, a step or a server failed
  2        a usage error or a bad setting (the message names it)
  130, 143 stopped by Ctrl-C (SIGINT) or SIGTERM: it says what was submitted, and a rerun in the same
           RETURNS_SCOPE goes on where it stopped`;

const COLUMN = 40;
const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const note = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(entry: EntryPoint): Promise<number> {
  const options = parseStartOptions(process.argv.slice(2), USAGE, { audit: true });
  if (options.help) {
    say(USAGE);
    return 0;
  }
  const config = loadConfig();
  const paint = paintFor(loadOutputSettings(), process.stdout);
  const submission = await ReturnSubmission.open(options.requests, note);
  if (!(await submission.hasValidRequest())) {
    note(`No valid requests in ${submission.source}: nothing submitted.`);
    return submission.rejectedCount > 0 ? 1 : 0;
  }

  say('One return process, two ways to coordinate the teams');
  say(`  traditional    User Support's Temporal workflow calls each team's activity (${options.variant} variant)`);
  say('  event-sourced  User Support publishes one RefundRequested; each team reacts on its own and logs its events');
  say();
  const started = Date.now();
  await ensureCommandStack(config, { kafka: true, temporal: true }, { entry, log: note, stopWhenDone: false });
  const instances = config.teamInstances;
  const each = instances > 1 ? ` (TEAM_INSTANCES=${instances}: ${instances} of each)` : '';
  // A worker for User Support and one per team; a subscriber per team.
  note(
    `starting both models: bundling the workflow code, starting ${(TEAMS.length + 1) * instances} Temporal workers` +
      ` and ${TEAMS.length * instances} Kafka subscribers${each}…`,
  );
  const models = await openBothModels(config, { variant: options.variant });
  entry.onStop(() => closeBothModels(models));
  entry.onStop(() => note(submission.stoppedSummary(config.scope)));
  note(`both models ready in ${((Date.now() - started) / 1000).toFixed(1)}s (scope "${config.scope}")`);
  say();
  try {
    const run = {
      identical: 0,
      compared: 0,
      first: undefined as string | undefined,
      last: undefined as string | undefined,
    };
    await submission.run(
      (request) => submitTimedToBoth(models, request),
      (request, timed) => {
        run.first ??= request.returnId;
        run.last = request.returnId;
        run.compared++;
        if (printComparison(paint, request, timed)) run.identical++;
      },
      { concurrency: options.concurrency, stopping: () => entry.stopping },
    );
    const agree = await printVerdict(config, paint, models, run.identical, run.compared);
    const auditReturnId = options.audit ?? run.first;
    if (auditReturnId) {
      say();
      const trail = await readAuditTrail(config, models, auditReturnId);
      for (const line of formatAuditTrail(trail)) say(line);
    }
    say();
    say('Next:');
    say(`  npm run audit -- <returnId>   the audit trail of any return above (e.g. ${run.last ?? 'R-1001'})`);
    say('  npm run analytics             usage statistics from the team topics, by a subscriber nobody told US about');
    say(
      `  Temporal UI                   ${temporalUiUrl(config.temporalAddress)}/namespaces/${config.temporalNamespace}/workflows`,
    );
    say('  npm run stack:down            stop the local servers (they keep running for the next command)');
    if (submission.rejectedCount > 0)
      note(`${submission.rejectedCount} request(s) rejected and not submitted (see above).`);
    return agree && submission.rejectedCount === 0 ? 0 : 1;
  } finally {
    if (!entry.stopping) await closeBothModels(models);
  }
}

interface TimedOutcomes {
  readonly traditional: { readonly outcome: ReturnOutcome; readonly ms: number };
  readonly eventSourced: { readonly outcome: ReturnOutcome; readonly ms: number };
}

async function submitTimedToBoth(models: ModelPair, request: RefundRequest): Promise<TimedOutcomes> {
  const timed = async (submit: () => Promise<ReturnOutcome>) => {
    const startedAt = Date.now();
    return { outcome: await submit(), ms: Date.now() - startedAt };
  };
  const [traditional, eventSourced] = await Promise.all([
    timed(() => models.traditional.submit(request)),
    timed(() => models.eventSourced.submit(request)),
  ]);
  return { traditional, eventSourced };
}

// One return's rows, team by team; true when both outcomes are identical.
function printComparison(paint: Paint, request: RefundRequest, { traditional, eventSourced }: TimedOutcomes): boolean {
  const left = describeTeamRecords(traditional.outcome);
  const right = describeTeamRecords(eventSourced.outcome);
  say(
    `${request.returnId}  order ${request.order.orderId} · ${request.model.modelId} · site ${request.location.siteId}`,
  );
  say(`  ${'team'.padEnd(14)} ${'traditional (Temporal)'.padEnd(COLUMN)} ${'event-sourced (Kafka)'.padEnd(COLUMN)}`);
  for (const team of TEAMS) {
    const same = left[team] === right[team] ? paint.good('same') : paint.bad('DIFFERENT');
    say(`  ${team.padEnd(14)} ${left[team].padEnd(COLUMN)} ${right[team].padEnd(COLUMN)} ${same}`);
  }
  say(`  ${'done in'.padEnd(14)} ${`${traditional.ms} ms`.padEnd(COLUMN)} ${`${eventSourced.ms} ms`.padEnd(COLUMN)}`);
  const difference = firstDifference(traditional.outcome, eventSourced.outcome);
  if (difference)
    say(`  ${paint.bad(describeDifference('outcomes differ', difference, 'traditional', 'event-sourced'))}`);
  say();
  return difference === null;
}

// Every team record of the scope, compared between the models; true when they agree. Records that only earlier
// runs left behind are named as stale state, with how to clear it, never as a difference between the models.
async function printVerdict(
  config: Config,
  paint: Paint,
  models: ModelPair,
  identical: number,
  compared: number,
): Promise<boolean> {
  const { differences, stale } = await compareRecordsOfBoth(models);
  const agree = identical === compared && differences.length === 0;
  say(
    agree
      ? paint.good(
          `Identical in both models: ${identical} of ${compared} outcomes, and every team record (same ids, same values).`,
        )
      : paint.bad(
          `NOT identical: ${compared - identical} of ${compared} outcomes and ${differences.length} team records differ.`,
        ),
  );
  for (const mismatch of differences.slice(0, 10)) {
    say(
      `  ${describeDifference(`${mismatch.team} record of ${mismatch.returnId}`, mismatch.difference, 'traditional', 'event-sourced')}`,
    );
  }
  for (const line of describeStaleRecords(config, stale)) say(paint.bad(line));
  return agree && stale.length === 0;
}

runEntryPoint(main);
