// A crash between a team's append and its commit, put around the deployment's event log from outside: once a
// team's events of a return are acknowledged, the append throws, and the team's runner crashes before committing
// the request, as a process killed at the worst moment would.
import { type Team, TEAMS } from '../../../domain';
import type { EventLog } from '../../../event-sourced/event-log';
import { topicsOf } from '../../../event-sourced/topics';

export class CrashAfterAppend extends Error {
  constructor(team: Team, returnId: string) {
    super(`${team} crashed on purpose after appending the events of ${returnId}, before committing its request`);
    this.name = 'CrashAfterAppend';
  }
}

// crashes(team, returnId) is asked for each return whose events a team appended, until it says true.
export function crashAfterAppend(scope: string, crashes: (team: Team, returnId: string) => boolean) {
  const teamOfTopic = new Map<string, Team>(TEAMS.map((team) => [topicsOf(scope).teamEvents[team], team]));
  return (log: EventLog): EventLog => ({
    ...log,
    async append(topic, records) {
      await log.append(topic, records);
      const team = teamOfTopic.get(topic);
      if (team === undefined) return;
      const crashOn = records.find(({ key }) => key !== null && crashes(team, key));
      if (crashOn?.key) throw new CrashAfterAppend(team, crashOn.key);
    },
  });
}
