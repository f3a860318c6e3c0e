// One team as its own process, as in production: `ts-node event-sourced/subscribers/run-team.ts --team sales`.
// Stops cleanly on SIGINT or SIGTERM (finishes the requests in hand, leaves its group); exits 1 if it crashes, so
// its supervisor starts it again, and the new process rebuilds its state from the team's topic.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ActionableError } from '../../cli/actionable-error';
import { type EntryPoint, runEntryPoint } from '../../cli/entry-point';
import { loadConfig, loadFaultSwitches } from '../../config';
import { type Team, TEAMS } from '../../domain';
import { connectEventLog } from '../event-log';
import { startTeamRunnerOf } from '../team-runner';
import { partitionMismatchNotice, teamGroupId, topicSpecs, topicsOf } from '../topics';

const USAGE = `Usage: ts-node event-sourced/subscribers/run-team.ts --team <${TEAMS.join('|')}>

Runs one team's subscriber until SIGINT or SIGTERM, then stops after the requests in hand and exits 0.
Settings: KAFKA_BROKERS, KAFKA_PARTITIONS, KAFKA_FETCH_MIN_BYTES, KAFKA_FETCH_MAX_WAIT_MS, RETURNS_SCOPE (see
Configuration in the README).
Exit codes: 0 stopped cleanly, 1 the team crashed or Kafka failed (its supervisor starts it again), 2 a usage
error or a bad setting.`;

function parseTeam(argv: readonly string[]): Team {
  const { values } = parseArgs({ args: [...argv], options: { team: { type: 'string' } }, strict: true });
  const team = TEAMS.find((candidate) => candidate === values.team);
  if (!team) throw new ActionableError(`--team must be one of ${TEAMS.join(', ')}, got "${values.team ?? ''}"\n\n${USAGE}`, 2);
  return team;
}

// Test only, both off by default: the fault suite (faults/) sets them on the team processes it starts.
//   UNSAFE_DISABLE_IDEMPOTENCY=1   the team does not rebuild its state from its topic (TeamRunnerDeps)
//   CRASH_AFTER_APPEND=<returnId>  the process dies hard once that return's events are acknowledged and before its
//                                  request is committed: the window in which the request is delivered again
function crashAfterAppendOf(crashReturnId: string | null): ((returnId: string) => boolean) | undefined {
  if (!crashReturnId) return undefined;
  return (returnId) => {
    if (returnId !== crashReturnId) return false;
    writeSync(2, `crash point: ${returnId} appended, request not yet committed; killing this process\n`);
    process.kill(process.pid, 'SIGKILL');
    // Not reached once the signal lands; should it not land at once, the runner still stops before committing.
    return true;
  };
}

async function main(entry: EntryPoint): Promise<number> {
  const team = parseTeam(process.argv.slice(2));
  const say = (line: string): void => void process.stderr.write(`[${team}] ${line}\n`);
  const config = loadConfig();
  const faults = loadFaultSwitches();
  const log = await connectEventLog({
    brokers: config.kafkaBrokers,
    clientId: `${config.scope}.${team}`,
    log: say,
    tuning: { minBytes: config.kafkaFetch.minBytes, maxWaitTimeMs: config.kafkaFetch.maxWaitMs },
  });
  // Closed on every way out, or a kafkajs reconnect timer would outlive the team.
  entry.onStop(() => log.close());
  const notice = partitionMismatchNotice(await log.ensureTopics(topicSpecs(config)));
  if (notice) say(notice);

  // Settles with the exit code when the team crashes; a signal ends the process through the stops instead.
  let crashed: (code: number) => void = () => undefined;
  const ended = new Promise<number>((resolve) => (crashed = resolve));
  const runner = await startTeamRunnerOf(team, {
    log,
    scope: config.scope,
    clock: () => new Date().toISOString(),
    crashAfterAppend: crashAfterAppendOf(faults.crashAfterAppend),
    unsafeDisableIdempotency: faults.unsafeDisableIdempotency,
    onCrash: (error) => {
      say(`crashed: ${error.message}`);
      // Nothing is committed past the last acknowledged append, so a restart loses nothing.
      void log.close().finally(() => crashed(1));
    },
  });
  // Finishes the requests in hand and leaves the group; the log closes after it, as it was registered before.
  entry.onStop(async (signal) => {
    say(`${signal}: stopping`);
    await runner.stop();
  });
  const requests = topicsOf(config.scope).requests;
  say(`ready: state rebuilt from ${runner.rebuiltFrom} events; consuming ${requests} as ${teamGroupId(config.scope, team)}`);
  process.stdout.write(`${team} ready\n`);
  return ended;
}

runEntryPoint(main, { exitCodeAfterCleanStop: 0 });
