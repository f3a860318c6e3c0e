// A subscriber nobody told User Support about: it joins late, reads the request topic and every team's
// topic from the beginning, and prints usage statistics. Adding it changed no line of the publisher or a team.
import { ActionableError } from '../cli/actionable-error';
import { parseCommandLine } from '../cli/command-line';
import { ensureCommandStack } from '../cli/command-stack';
import { formatMoney } from '../cli/describe-records';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { type Config, loadConfig } from '../config';
import type { Currency } from '../domain';
import { deadLetterOf } from './envelope';
import { connectEventLog, type EventLog } from './event-log';
import { type MoneyTotals, readUsageStats, type UsageStats } from './projections/usage-stats.projection';
import { topicSpecs, topicsOf } from './topics';

const USAGE = `Usage: npm run analytics -- [--json]

Reads every return of the scope from the event-sourced model's topics and prints usage statistics.

  --json      the statistics as one JSON document on stdout
  -h, --help  this text

Environment: KAFKA_BROKERS, RETURNS_SCOPE, STACK_DIR (see the README).
Exit code: 0 with the statistics, 1 when the scope has no topics (nothing is created), 2 on a usage error.`;

// A reader creates nothing: a misspelt RETURNS_SCOPE must not leave a scope of empty topics behind.
class ScopeNotFoundError extends ActionableError {}

// Resolves when every topic of the scope exists; says which are missing otherwise, and creates none.
async function assertScopeTopicsExist(
  eventLog: EventLog,
  config: Pick<Config, 'scope' | 'kafkaPartitions' | 'kafkaBrokers'>,
): Promise<void> {
  const wanted = topicSpecs(config).map(({ topic }) => topic);
  const existing = new Set(await eventLog.existingTopics(wanted));
  const missing = wanted.filter((topic) => !existing.has(topic));
  if (missing.length === wanted.length) {
    throw new ScopeNotFoundError(
      `Scope "${config.scope}" has no topics in Kafka at ${config.kafkaBrokers.join(',')}, so there is nothing to analyse. ` +
        `Check RETURNS_SCOPE (it is "${config.scope}"), or run a model in this scope first (npm start, or npm run event-sourced).`,
    );
  }
  if (missing.length > 0) {
    throw new ScopeNotFoundError(
      `Scope "${config.scope}" lacks the topics ${missing.join(', ')}. Run a model in this scope to create them ` +
        '(npm run event-sourced), or clear the scope with `npm run reset`.',
    );
  }
}

export function formatUsageStats(stats: UsageStats, scope: string): string[] {
  const lines = [
    `Usage statistics, scope ${scope}: ${stats.returnsRequested} return(s) requested, ${stats.returnsComplete} complete`,
  ];
  const section = (title: string, rows: readonly (readonly [string, string])[]) => {
    lines.push('', title);
    if (rows.length === 0) lines.push('  (none)');
    const width = Math.max(0, ...rows.map(([label]) => label.length));
    for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
  };
  const counts = (record: Readonly<Record<string, number | undefined>>) =>
    sortedEntries(record).map(([key, value]) => [key, String(value ?? 0)] as const);

  section('Returns per model', counts(stats.returnsPerModel));
  section('Defect categories (diagnosis)', counts(stats.defectCategories));
  section('Refunds', [
    ['issued', `${stats.refundsIssued.count}  ${formatTotals(stats.refundsIssued.amount)}`],
    ['rejected', `${stats.refundsRejected.count}  ${formatTotals(stats.refundsRejected.amountClaimed)} claimed`],
    ...sortedEntries(stats.refundsRejected.byReason).map(
      ([reason, count]) => [`  ${reason}`, String(count ?? 0)] as const,
    ),
  ]);
  section(
    'Disposal cost charged by site',
    sortedEntries(stats.disposalCostBySite).map(([site, totals]) => [site, formatTotals(totals ?? {})] as const),
  );
  section('Replacements', [
    ['shipped', String(stats.replacements.shipped)],
    ['backordered', String(stats.replacements.backordered)],
    ...sortedEntries(stats.replacements.backordersPerModel).map(
      ([model, count]) => [`  ${model}`, String(count ?? 0)] as const,
    ),
    ['cancelled (refused)', String(stats.replacements.cancelled)],
  ]);
  section('Customers', [['notified', String(stats.customersNotified)]]);
  return lines;
}

function formatTotals(totals: MoneyTotals): string {
  const amounts = sortedEntries(totals).map(([currency, cents]) =>
    formatMoney({ amountCents: cents ?? 0, currency: currency as Currency }),
  );
  return amounts.length > 0 ? amounts.join(', ') : '0';
}

function sortedEntries<V>(record: Readonly<Record<string, V>>): [string, V][] {
  return Object.entries(record).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
}

async function main(argv: readonly string[], entry: EntryPoint): Promise<number> {
  const { help, values } = parseCommandLine(argv, { json: { type: 'boolean', default: false } }, USAGE);
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await ensureCommandStack(config, { kafka: true, temporal: false }, { entry, log: log, stopWhenDone: false });
  const eventLog = await connectEventLog({ brokers: config.kafkaBrokers, clientId: `${config.scope}.analytics`, log });
  try {
    await assertScopeTopicsExist(eventLog, config);
    const deadLetterTopic = topicsOf(config.scope).deadLetter;
    const stats = await readUsageStats(eventLog, config.scope, (record, poison) =>
      eventLog.appendDeadLetter(deadLetterTopic, deadLetterOf(record, poison, 'analytics')),
    );
    if (values.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
    else process.stdout.write(`${formatUsageStats(stats, config.scope).join('\n')}\n`);
  } finally {
    await eventLog.close();
  }
  return 0;
}

if (require.main === module) runEntryPoint((entry) => main(process.argv.slice(2), entry));
