// `npm run reset [-- --yes]`: clears the scope RETURNS_SCOPE names in every store both models keep it in: the
// event-sourced model's topics and consumer groups in Kafka, the traditional model's workflow runs in Temporal and
// its team databases (the files in DATA_DIR, or the scope's schema in TEAM_DATABASE_URL). A run in the scope afterwards starts from nothing, as in a scope never used.
import { createInterface } from 'node:readline/promises';
import type { Client } from '@temporalio/client';
import { ActionableError } from '../cli/actionable-error';
import { parseCommandLine } from '../cli/command-line';
import { ensureCommandStack } from '../cli/command-stack';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { type Config, loadConfig } from '../config';
import { connectEventLog, type EventLog } from '../event-sourced/event-log';
import { deleteScopeSnapshots } from '../event-sourced/snapshots';
import { topicSpecs } from '../event-sourced/topics';
import { delay, type Log } from '../stack/processes';
import { connectClient } from '../traditional/client';
import { deleteRun, listScopeRuns, runStatus, type WorkflowRun } from '../traditional/scope-runs';
import { scopeTeamStores } from '../traditional/teams';

const USAGE = `Usage: npm run reset [-- --yes]

Clears the scope RETURNS_SCOPE names everywhere: its Kafka topics and consumer groups, its workflow runs in
Temporal and its team databases (in DATA_DIR, or with TEAM_STORE=postgres its schema). Other scopes are left as they are. Stop every model running in the
scope first: Kafka refuses to forget a consumer group that still has members, and the reset then clears nothing.

  --yes       clear without asking (it asks only when run in a terminal)
  -h, --help  this text

Environment: RETURNS_SCOPE (default "demo"), KAFKA_BROKERS, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DATA_DIR,
TEAM_STORE, TEAM_DATABASE_URL, STACK_DIR (see the README).
Exit code: 0 when the scope is clear, 1 when something could not be cleared or the answer was no, 2 on a usage error.`;

// What a scope holds in each store: what the reset found, and clears.
export interface ScopeState {
  readonly topics: readonly string[];
  readonly consumerGroups: readonly string[];
  readonly workflowRuns: readonly WorkflowRun[];
  readonly teamDatabases: readonly string[];
}

export interface ScopeStores {
  readonly client: Client;
  readonly eventLog: EventLog;
}

type ScopeConfig = Pick<Config, 'scope' | 'kafkaPartitions' | 'dataDir' | 'teamStore' | 'teamDatabaseUrl'>;

// Deletion in Kafka and Temporal finishes in the background; on a loaded machine that can take a while.
const GONE_WITHIN_MS = 120_000;

export class ScopeInUseError extends ActionableError {}

// Every group of the scope's consumers starts with "<scope>.": the teams' groups and any reader's (analytics, audit).
function groupPrefix(scope: string): string {
  return `${scope}.`;
}

export async function surveyScope(config: ScopeConfig, stores: ScopeStores): Promise<ScopeState> {
  const [topics, consumerGroups, workflowRuns, teamDatabases] = await Promise.all([
    stores.eventLog.existingTopics(topicSpecs(config).map(({ topic }) => topic)),
    stores.eventLog.consumerGroups(groupPrefix(config.scope)),
    listScopeRuns(stores.client, config.scope),
    scopeTeamStores(config).existing(),
  ]);
  return { topics, consumerGroups, workflowRuns, teamDatabases };
}

export function isEmpty(state: ScopeState): boolean {
  return (
    state.topics.length === 0 &&
    state.consumerGroups.length === 0 &&
    state.workflowRuns.length === 0 &&
    state.teamDatabases.length === 0
  );
}

// Clears what the survey found and waits until every store lists nothing of the scope, so a run started right after
// finds it clean. Consumer groups go first: Kafka refuses a group with members, the one sign that a model (or a
// reader) still runs in the scope, and the reset then stops before it has touched anything else.
export async function clearScope(config: ScopeConfig, stores: ScopeStores, found: ScopeState, log: Log): Promise<void> {
  const { client, eventLog } = stores;
  try {
    await eventLog.deleteConsumerGroups(found.consumerGroups);
  } catch (error) {
    // A group that vanished meanwhile (the broker forgets an empty reader's group by itself) also fails the call.
    const left = await eventLog.consumerGroups(groupPrefix(config.scope));
    if (left.length > 0) {
      throw new ScopeInUseError(
        `Kafka refused to delete the consumer groups ${left.join(', ')} (${(error as Error).message}): a model or a reader ` +
          `(npm start, npm run event-sourced, a dashboard) still runs in scope "${config.scope}". Stop it, then run ` +
          '`npm run reset` again. Nothing but the groups without members was cleared.',
      );
    }
  }
  await eventLog.deleteTopics(found.topics);
  const deleted = new Set<string>();
  const deleteRuns = async (runs: readonly WorkflowRun[]) => {
    for (const run of runs.filter(({ runId }) => !deleted.has(runId))) {
      await deleteRun(client, run);
      deleted.add(run.runId);
    }
  };
  await deleteRuns(found.workflowRuns);
  // The event-sourced teams' snapshots first: the team stores remove the scope's folder once it is empty.
  deleteScopeSnapshots(config);
  await scopeTeamStores(config).deleteAll();

  const topicNames = topicSpecs(config).map(({ topic }) => topic);
  await untilGone('Kafka to delete the topics', () => eventLog.existingTopics(topicNames), log);
  await untilGone('Kafka to forget the consumer groups', () => eventLog.consumerGroups(groupPrefix(config.scope)), log);
  // Visibility may list a run whose deletion is done, or not list one still being deleted: both must say gone. A run
  // that visibility shows only now (it lags behind) is deleted too.
  await untilGone(
    'Temporal to delete the workflow runs',
    async () => {
      const listed = await listScopeRuns(client, config.scope);
      await deleteRuns(listed);
      const described = await Promise.all(
        found.workflowRuns.map(async (run) => ((await runStatus(client, run.workflowId, run.runId)) ? [run] : [])),
      );
      return [...new Set([...listed, ...described.flat()].map(({ runId }) => runId))];
    },
    log,
  );
  await untilGone('the team databases to be deleted', () => scopeTeamStores(config).existing(), log);
}

async function untilGone(what: string, left: () => Promise<readonly unknown[]>, log: Log): Promise<void> {
  const deadline = Date.now() + GONE_WITHIN_MS;
  let said = false;
  for (;;) {
    const remaining = await left();
    if (remaining.length === 0) return;
    if (Date.now() > deadline) {
      throw new ActionableError(
        `Gave up waiting for ${what}: ${remaining.length} still there after ${GONE_WITHIN_MS / 1000}s. ` +
          'Run `npm run reset` again; it clears what is left.',
      );
    }
    if (!said) {
      log(
        `waiting for ${what} (${remaining.length} left; deletion finishes in the background, up to ${GONE_WITHIN_MS / 1000}s)`,
      );
      said = true;
    }
    await delay(250);
  }
}

export function describeScopeState(config: ScopeConfig, state: ScopeState): string[] {
  const running = state.workflowRuns.filter(({ status }) => status === 'RUNNING').length;
  const listed = (names: readonly string[]) =>
    names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ');
  const rows: [string, number, string][] = [
    ['Kafka topics', state.topics.length, listed(state.topics)],
    ['Kafka consumer groups', state.consumerGroups.length, listed(state.consumerGroups)],
    [
      'Temporal workflow runs',
      state.workflowRuns.length,
      state.workflowRuns.length > 0 ? `${running} of them running` : '',
    ],
    [
      'team databases',
      state.teamDatabases.length,
      state.teamDatabases.length > 0 ? `in ${scopeTeamStores(config).location}` : '',
    ],
  ];
  return rows.map(([label, count, detail]) =>
    `  ${label.padEnd(23)} ${String(count).padStart(4)}  ${detail}`.trimEnd(),
  );
}

// Asked only in a terminal: there a person may have a RETURNS_SCOPE they did not mean. Tests, CI and scripts have
// no terminal, and running `npm run reset` is how they ask for it; --yes skips the question in a terminal too.
async function confirmed(scope: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Clear all of scope "${scope}"? This cannot be undone. [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

function summary(state: ScopeState): string {
  const running = state.workflowRuns.filter(({ status }) => status === 'RUNNING').length;
  return (
    `${state.topics.length} Kafka topic(s), ${state.consumerGroups.length} consumer group(s), ` +
    `${state.workflowRuns.length} Temporal workflow run(s) (${running} running), ${state.teamDatabases.length} team database(s)`
  );
}

async function main(argv: readonly string[], entry: EntryPoint): Promise<number> {
  const { help, values } = parseCommandLine(argv, { yes: { type: 'boolean', short: 'y', default: false } }, USAGE);
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await ensureCommandStack(config, { kafka: true, temporal: true }, { entry, log: log, stopWhenDone: false });
  const client = await connectClient(config);
  try {
    // A client id outside the scope's prefix, so nothing of the reset's own is among what it clears.
    const eventLog = await connectEventLog({ brokers: config.kafkaBrokers, clientId: `reset-of-${config.scope}`, log });
    try {
      const found = await surveyScope(config, { client, eventLog });
      if (isEmpty(found)) {
        say(`Scope "${config.scope}" is already clear: no topics, consumer groups, workflow runs or team databases.`);
        return 0;
      }
      say(`Scope "${config.scope}" holds:`);
      for (const line of describeScopeState(config, found)) say(line);
      if (process.stdin.isTTY && !values.yes && !(await confirmed(config.scope))) {
        log('Nothing cleared.');
        return 1;
      }
      const interrupted = entry.onStop(() => {
        log('reset interrupted: run `npm run reset` again to clear what is left');
      });
      await clearScope(config, { client, eventLog }, found, log);
      interrupted();
      say(`Cleared scope "${config.scope}": ${summary(found)}. The next run in it starts from nothing.`);
      return 0;
    } finally {
      await eventLog.close();
    }
  } finally {
    await client.connection.close();
  }
}

if (require.main === module) runEntryPoint((entry) => main(process.argv.slice(2), entry));
