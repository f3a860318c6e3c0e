// `npm start`: the main demo. Runs the same returns through both models on the same servers, prints what each
// team did in each model side by side, checks the outcomes are identical, and shows one return's audit trail
// from both sources: Temporal's workflow history and the Kafka team topics.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { describeTeamRecords, type RefundRequest, TEAMS } from '../domain';
import { formatRejections, readRequests, RequestInputError } from '../cli/request-input';
import { ensureStack } from '../stack/ensure';
import { StackError } from '../stack/processes';
import { temporalUiUrl } from '../stack/temporal-server';
import type { ReturnVariant } from '../traditional/client';
import { formatAuditTrail, readAuditTrail } from './audit-trails';
import { type BothModels, compareTeamRecords, startBothModels } from './both-models';
import { describeDifference, firstDifference } from './first-difference';

const USAGE = `usage: npm start -- [--variant parallel|sequential] [--requests FILE|-] [--audit RETURN_ID]
  Runs the returns (default: the built-in samples) through both models and compares them.`;

const COLUMN = 40;
const say = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const options = parseOptions();
  if (options === 'help') {
    say(USAGE);
    return 0;
  }
  const config = loadConfig();
  const batch = await readRequests(options.requests);
  for (const rejection of formatRejections(batch)) note(rejection);

  say('One return process, two ways to coordinate the teams');
  say(`  traditional    User Support's Temporal workflow calls each team's activity (${options.variant} variant)`);
  say('  event-sourced  User Support publishes one RefundRequested; each team reacts on its own and logs its events');
  say();
  const started = Date.now();
  await ensureStack(config, { kafka: true, temporal: true }, (line) => note(`[stack] ${line}`));
  note('starting both models: bundling the workflow code, starting five Temporal workers and four Kafka subscribers…');
  const models = await startBothModels(config);
  note(`both models ready in ${((Date.now() - started) / 1000).toFixed(1)}s (scope "${config.scope}")`);
  say();
  try {
    const identical = await runReturns(models, batch.accepted, options.variant);
    const auditReturnId = options.audit ?? batch.accepted[0]?.returnId;
    if (auditReturnId) {
      say();
      const trail = await readAuditTrail(config, { client: models.traditional.client, eventLog: models.eventSourced.eventLog }, auditReturnId);
      for (const line of formatAuditTrail(trail)) say(line);
    }
    say();
    say('Next:');
    say(`  npm run audit -- <returnId>   the audit trail of any return above (e.g. ${batch.accepted.at(-1)?.returnId ?? 'R-1001'})`);
    say('  npm run analytics             usage statistics from the team topics, by a subscriber nobody told US about');
    say(`  Temporal UI                   ${temporalUiUrl(config.temporalAddress)}/namespaces/${config.temporalNamespace}/workflows`);
    say('  npm run stack:down            stop the local servers (they keep running for the next command)');
    return identical && batch.rejected.length === 0 ? 0 : 1;
  } finally {
    await models.close();
  }
}

async function runReturns(models: BothModels, requests: readonly RefundRequest[], variant: ReturnVariant): Promise<boolean> {
  let identicalCount = 0;
  // One after the other: some returns depend on an earlier one (the same order, the last unit of a model).
  for (const request of requests) {
    const traditionalStarted = Date.now();
    const traditionalRun = models.traditional.submit(request, variant).then((outcome) => ({ outcome, ms: Date.now() - traditionalStarted }));
    const eventSourcedStarted = Date.now();
    const eventSourcedRun = models.eventSourced.submit(request).then((outcome) => ({ outcome, ms: Date.now() - eventSourcedStarted }));
    const [traditional, eventSourced] = await Promise.all([traditionalRun, eventSourcedRun]);
    const left = describeTeamRecords(traditional.outcome);
    const right = describeTeamRecords(eventSourced.outcome);
    say(`${request.returnId}  order ${request.order.orderId} · ${request.model.modelId} · site ${request.location.siteId}`);
    say(`  ${'team'.padEnd(14)} ${'traditional (Temporal)'.padEnd(COLUMN)} ${'event-sourced (Kafka)'.padEnd(COLUMN)}`);
    for (const team of TEAMS) {
      const same = left[team] === right[team] ? 'same' : 'DIFFERENT';
      say(`  ${team.padEnd(14)} ${left[team].padEnd(COLUMN)} ${right[team].padEnd(COLUMN)} ${same}`);
    }
    say(`  ${'done in'.padEnd(14)} ${`${traditional.ms} ms`.padEnd(COLUMN)} ${`${eventSourced.ms} ms`.padEnd(COLUMN)}`);
    const difference = firstDifference(traditional.outcome, eventSourced.outcome);
    if (difference) say(`  ${describeDifference('outcomes differ', difference, 'traditional', 'event-sourced')}`);
    else identicalCount++;
    say();
  }
  const records = await models.teamRecords();
  const mismatches = compareTeamRecords(records.traditional, records['event-sourced']);
  const verdict =
    identicalCount === requests.length && mismatches.length === 0
      ? `Identical in both models: ${identicalCount} of ${requests.length} outcomes, and every team record (same ids, same values).`
      : `NOT identical: ${requests.length - identicalCount} of ${requests.length} outcomes and ${mismatches.length} team records differ.`;
  say(verdict);
  for (const mismatch of mismatches.slice(0, 10)) {
    say(`  ${describeDifference(`${mismatch.team} record of ${mismatch.returnId}`, mismatch.difference, 'traditional', 'event-sourced')}`);
  }
  return identicalCount === requests.length && mismatches.length === 0;
}

function parseOptions(): { variant: ReturnVariant; requests: string | undefined; audit: string | undefined } | 'help' {
  const { values } = parseArgs({
    options: {
      variant: { type: 'string', default: 'parallel' },
      requests: { type: 'string' },
      audit: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.variant !== 'parallel' && values.variant !== 'sequential') {
    throw new UsageError(`--variant must be parallel or sequential, got "${values.variant}"`);
  }
  return { variant: values.variant, requests: values.requests, audit: values.audit };
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof StackError || error instanceof RequestInputError) note(error.message);
    else if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      note(`${error.message}\n${USAGE}`);
      process.exit(2);
    } else note(`npm start failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
