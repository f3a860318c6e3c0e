// `npm run audit -- <returnId> [--json]`: the audit trail of one processed return, from Temporal's workflow
// history and from the Kafka team topics, in the scope RETURNS_SCOPE names (default: the demo's).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { connectEventLog } from '../event-sourced/event-log';
import { connectClient } from '../traditional/client';
import { formatAuditTrail, readAuditTrail } from './audit-trails';

const USAGE = 'usage: npm run audit -- <returnId> [--json]\n  Scope: RETURNS_SCOPE (default "demo", the scope npm start uses).';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [returnId] = parsed.positionals;
  if (!returnId || parsed.positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const client = await connectClient(config);
  const eventLog = await connectEventLog({ brokers: config.kafkaBrokers, clientId: `${config.scope}.audit` });
  try {
    const trail = await readAuditTrail(config, { client, eventLog }, returnId);
    if (parsed.values.json) console.log(JSON.stringify(trail, null, 2));
    else console.log(formatAuditTrail(trail).join('\n'));
    if (trail.temporal.events.length === 0 && trail.kafka.events.length === 0) {
      console.error(`No return ${returnId} in scope ${config.scope}. Run npm start first, or set RETURNS_SCOPE.`);
      return 1;
    }
    return 0;
  } finally {
    await Promise.allSettled([client.connection.close(), eventLog.close()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`audit failed: ${error.message}`);
    process.exit(1);
  },
);
