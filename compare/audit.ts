// `npm run audit -- <returnId> [--json]`: the audit trail of one processed return, from Temporal's workflow
// history and from the Kafka team topics, in the scope RETURNS_SCOPE names (default: the demo's).
import { parseCommandLine, UsageError } from '../cli/command-line';
import { ensureCommandStack } from '../cli/command-stack';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { loadConfig } from '../config';
import { openEventSourcedAuditReader } from '../event-sourced/model';
import { openTraditionalAuditReader } from '../traditional/model';
import { formatAuditTrail, readAuditTrail } from './audit-trails';

const USAGE = `Usage: npm run audit -- <returnId> [--json]

Prints the audit trail of one return from both sources: Temporal's workflow history (the traditional model) and
the Kafka team topics (the event-sourced model). A source that has nothing for the return says so.

  --json      the trail as one JSON document on stdout
  -h, --help  this text

Environment: RETURNS_SCOPE (default "demo", the scope npm start uses), KAFKA_BROKERS, TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, STACK_DIR (see the README).
Exit code: 0 when either source has the return, 1 when neither has, 2 on a usage error.`;

async function main(argv: readonly string[], entry: EntryPoint): Promise<number> {
  const { help, values, positionals } = parseCommandLine(argv, { json: { type: 'boolean', default: false } }, USAGE, {
    positionals: true,
  });
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [returnId] = positionals;
  if (!returnId || positionals.length > 1) throw new UsageError('Give exactly one returnId.', USAGE);
  const config = loadConfig();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await ensureCommandStack(config, { kafka: true, temporal: true }, { entry, log: log, stopWhenDone: false });
  const traditional = await openTraditionalAuditReader(config);
  try {
    const eventSourced = await openEventSourcedAuditReader(config);
    try {
      const trail = await readAuditTrail(config, { traditional, eventSourced }, returnId);
      if (values.json) process.stdout.write(`${JSON.stringify(trail, null, 2)}\n`);
      else process.stdout.write(`${formatAuditTrail(trail).join('\n')}\n`);
      if (trail.temporal.events.length === 0 && trail.kafka.events.length === 0) {
        process.stderr.write(
          `No return ${returnId} in scope ${config.scope}: neither Temporal nor the Kafka team topics have it. ` +
            'Check the returnId and RETURNS_SCOPE, or run the return first (npm start).\n',
        );
        return 1;
      }
      return 0;
    } finally {
      await eventSourced.close();
    }
  } finally {
    await traditional.close();
  }
}

runEntryPoint((entry) => main(process.argv.slice(2), entry));
