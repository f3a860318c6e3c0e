// One team as its own process, as in production: `ts-node event-sourced/run-team.ts --team sales`.
// Stops cleanly on SIGINT or SIGTERM (finishes the records in hand, leaves its group); exits 1 if it crashes, so
// its supervisor starts it again, and the new process rebuilds its state from the team's topic and the topics it
// reads.
import { parseArgs } from 'node:util';
import { ActionableError } from '../cli/actionable-error';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { loadConfig } from '../config';
import { type Team, TEAMS } from '../domain';
import { connectEventLog, type EventLog } from './event-log';
import { defaultSnapshotPolicy } from './snapshots';
import { readyLine, startTeamRunnerOf } from './team-runner';
import { teamGroupId } from './teams';
import { partitionMismatchNotice, topicSpecs } from './topics';

const USAGE = `Usage: ts-node event-sourced/run-team.ts --team <${TEAMS.join('|')}>

Runs one team's decider until SIGINT or SIGTERM, then stops after the records in hand and exits 0.
Settings: KAFKA_BROKERS, KAFKA_PARTITIONS, KAFKA_FETCH_MIN_BYTES, KAFKA_FETCH_MAX_WAIT_MS, RETURNS_SCOPE (see
Configuration in the README).
Exit codes: 0 stopped cleanly, 1 the team crashed or Kafka failed (its supervisor starts it again), 2 a usage
error or a bad setting.`;

// The team a --team value names; a usage error (exit 2) that shows the usage otherwise.
export function teamNamed(name: string | undefined, usage: string): Team {
  const team = TEAMS.find((candidate) => candidate === name);
  if (!team) throw new ActionableError(`--team must be one of ${TEAMS.join(', ')}, got "${name ?? ''}"\n\n${usage}`, 2);
  return team;
}

export interface TeamProcessOptions {
  // Decorates the event log the team reads and writes through, after emmett's WrapEventStore: the seam by which a
  // script around this one puts a fault or a probe around the log. Production runs the log as it is.
  readonly wrapLog?: (log: EventLog) => EventLog;
}

// The life of a team's process, from connecting to Kafka to a clean stop or a crash; resolves with its exit code.
export async function runTeamProcess(entry: EntryPoint, team: Team, options: TeamProcessOptions = {}): Promise<number> {
  const say = (line: string): void => void process.stderr.write(`[${team}] ${line}\n`);
  const config = loadConfig();
  const connected = await connectEventLog({
    brokers: config.kafkaBrokers,
    clientId: `${config.scope}.${team}`,
    log: say,
    tuning: { minBytes: config.kafkaFetch.minBytes, maxWaitTimeMs: config.kafkaFetch.maxWaitMs },
  });
  // Closed on every way out, or a kafkajs reconnect timer would outlive the team.
  entry.onStop(() => connected.close());
  const log = options.wrapLog ? options.wrapLog(connected) : connected;
  const notice = partitionMismatchNotice(await log.ensureTopics(topicSpecs(config)));
  if (notice) say(notice);

  // Settles with the exit code when the team crashes; a signal ends the process through the stops instead.
  let crashed: (code: number) => void = () => undefined;
  const ended = new Promise<number>((resolve) => (crashed = resolve));
  const runner = await startTeamRunnerOf(team, {
    snapshots: defaultSnapshotPolicy(config),
    say,
    log,
    scope: config.scope,
    clock: () => new Date().toISOString(),
    onCrash: (error) => {
      say(`crashed: ${error.message}`);
      // Nothing is committed past the last acknowledged append, so a restart loses nothing.
      void log.close().finally(() => crashed(1));
    },
  });
  // Finishes the records in hand and leaves the group; the log closes after it, as it was registered before.
  entry.onStop(async (signal) => {
    say(`${signal}: stopping`);
    await runner.stop();
  });
  say(`ready: ${readyLine(runner, teamGroupId(config.scope, team))}`);
  process.stdout.write(`${team} ready\n`);
  return ended;
}

if (require.main === module) {
  runEntryPoint(
    (entry) => {
      const { values } = parseArgs({
        args: process.argv.slice(2),
        options: { team: { type: 'string' } },
        strict: true,
      });
      return runTeamProcess(entry, teamNamed(values.team, USAGE));
    },
    { exitCodeAfterCleanStop: 0 },
  );
}
