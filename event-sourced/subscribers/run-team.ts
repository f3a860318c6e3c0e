// One team as its own process, as in production: `ts-node event-sourced/subscribers/run-team.ts --team sales`.
// Stops cleanly on SIGINT or SIGTERM (finishes the requests in hand, leaves its group); exits 1 if it crashes, so
// its supervisor starts it again, and the new process rebuilds its state from the team's topic.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { type Team, TEAMS } from '../../domain';
import { connectEventLog } from '../event-log';
import { startTeamRunnerOf } from '../team-runner';
import { partitionMismatchNotice, teamGroupId, topicSpecs, topicsOf } from '../topics';

const USAGE = `Usage: ts-node event-sourced/subscribers/run-team.ts --team <${TEAMS.join('|')}>`;

function parseTeam(argv: readonly string[]): Team {
  const { values } = parseArgs({ args: [...argv], options: { team: { type: 'string' } }, strict: true });
  const team = TEAMS.find((candidate) => candidate === values.team);
  if (!team) throw new Error(`--team must be one of ${TEAMS.join(', ')}, got "${values.team ?? ''}"\n${USAGE}`);
  return team;
}

// Test only, both off by default: the fault suite (faults/) sets them on the team processes it starts.
//   UNSAFE_DISABLE_IDEMPOTENCY=1   the team does not rebuild its state from its topic (TeamRunnerDeps)
//   CRASH_AFTER_APPEND=<returnId>  the process dies hard once that return's events are acknowledged and before its
//                                  request is committed: the window in which the request is delivered again
function crashAfterAppendOf(crashReturnId: string | undefined): ((returnId: string) => boolean) | undefined {
  if (!crashReturnId) return undefined;
  return (returnId) => {
    if (returnId !== crashReturnId) return false;
    writeSync(2, `crash point: ${returnId} appended, request not yet committed; killing this process\n`);
    process.kill(process.pid, 'SIGKILL');
    // Not reached once the signal lands; should it not land at once, the runner still stops before committing.
    return true;
  };
}

async function main(): Promise<void> {
  let team: Team;
  try {
    team = parseTeam(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const say = (line: string) => process.stderr.write(`[${team}] ${line}\n`);
  const config = loadConfig();
  const log = await connectEventLog({
    brokers: config.kafkaBrokers,
    clientId: `${config.scope}.${team}`,
    log: say,
    tuning: { minBytes: config.kafkaFetch.minBytes, maxWaitTimeMs: config.kafkaFetch.maxWaitMs },
  });
  const notice = partitionMismatchNotice(await log.ensureTopics(topicSpecs(config)));
  if (notice) say(notice);

  let shuttingDown = false;
  const runner = await startTeamRunnerOf(team, {
    log,
    scope: config.scope,
    clock: () => new Date().toISOString(),
    crashAfterAppend: crashAfterAppendOf(process.env.CRASH_AFTER_APPEND),
    unsafeDisableIdempotency: process.env.UNSAFE_DISABLE_IDEMPOTENCY === '1',
    onCrash: (error) => {
      say(`crashed: ${error.message}`);
      // Nothing is committed past the last acknowledged append, so a restart loses nothing.
      void log.close().finally(() => process.exit(1));
    },
  });
  const requests = topicsOf(config.scope).requests;
  say(`ready: state rebuilt from ${runner.rebuiltFrom} events; consuming ${requests} as ${teamGroupId(config.scope, team)}`);
  process.stdout.write(`${team} ready\n`);

  const shutDown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`${signal}: stopping`);
    runner
      .stop()
      .then(() => log.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          say(`could not stop cleanly: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', shutDown);
  process.once('SIGTERM', shutDown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
