// Test only: one team of the event-sourced model as its own process, run by event-sourced/run-team.ts's own body,
// with a fault put around its event log from outside (after emmett's WrapEventStore). The team's code is the one
// production runs; only the log it is handed differs.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runEntryPoint } from '../../cli/entry-point';
import { loadConfig } from '../../config';
import { TEAMS } from '../../domain';
import type { EventLog } from '../../event-sourced/event-log';
import { runTeamProcess, teamNamed } from '../../event-sourced/run-team';
import { teamEventsTopic } from '../../event-sourced/teams';

const USAGE = `Usage: ts-node faults/edge/event-sourced-team.ts --team <${TEAMS.join('|')}> [--crash-after-append <returnId>] [--from-empty-state]

Runs one team of the event-sourced model, as event-sourced/run-team.ts does, with a fault around its event log:
  --crash-after-append <returnId>  once the team's events of that return are appended, and before its request is
                                   committed, the process kills itself: the window in which the request comes again
  --from-empty-state               the team's own topic reads as empty on start, so it forgets what it decided: the
                                   negative control, in which a request delivered again is decided and appended again
Settings and exit codes: as event-sourced/run-team.ts.`;

// SIGKILL, so nothing of the process runs after the append: no commit, no clean stop.
function crashingAfterAppend(ownTopic: string, returnId: string) {
  return (log: EventLog): EventLog => ({
    ...log,
    async append(topic, records) {
      await log.append(topic, records);
      if (topic !== ownTopic || !records.some(({ key }) => key === returnId)) return;
      writeSync(2, `crash point: ${returnId} appended, request not yet committed; killing this process\n`);
      process.kill(process.pid, 'SIGKILL');
      // Not reached once the signal lands; should it not land at once, the runner still stops before committing.
      throw new Error(`${returnId} appended; this process is being killed before its request is committed`);
    },
  });
}

function readingOwnTopicAsEmpty(ownTopic: string) {
  return (log: EventLog): EventLog => ({
    ...log,
    async readToEnd(topics, onRecord) {
      const others = topics.filter((topic) => topic !== ownTopic);
      return others.length === 0 ? 0 : log.readToEnd(others, onRecord);
    },
  });
}

runEntryPoint(
  (entry) => {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        team: { type: 'string' },
        'crash-after-append': { type: 'string' },
        'from-empty-state': { type: 'boolean', default: false },
      },
      strict: true,
    });
    const team = teamNamed(values.team, USAGE);
    const ownTopic = teamEventsTopic(loadConfig().scope, team);
    const crashReturnId = values['crash-after-append'];
    const wrappers = [
      ...(crashReturnId ? [crashingAfterAppend(ownTopic, crashReturnId)] : []),
      ...(values['from-empty-state'] ? [readingOwnTopicAsEmpty(ownTopic)] : []),
    ];
    return runTeamProcess(entry, team, {
      wrapLog: (log) => wrappers.reduce((wrapped, wrap) => wrap(wrapped), log),
    });
  },
  { exitCodeAfterCleanStop: 0 },
);
