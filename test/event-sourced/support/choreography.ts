// The five deciders as their runners run them, without a broker: each request goes to every team that answers
// requests, and each event a team writes to every team that reads that team, until nothing more is written. One
// order of the many a broker may deliver in: the request first, then the events in the order they were written.
import { type RefundRequest, type Team, TEAMS } from '../../../domain';
import { type AnyEnvelope, requestEnvelope, type TeamEventEnvelope } from '../../../event-sourced/envelope';
import { initialTeamState, takeRequest, takeTeamEvent, type TeamState } from '../../../event-sourced/team-runner';
import { TEAM_DECIDERS } from '../../../event-sourced/teams';

export function choreography(at: string): (request: RefundRequest) => AnyEnvelope[] {
  const states = new Map<Team, TeamState<unknown>>(TEAMS.map((team) => [team, initialTeamState(TEAM_DECIDERS[team])]));
  const clock = () => at;
  return (request) => {
    const requested = requestEnvelope(request, at);
    const written: AnyEnvelope[] = [requested];
    const unread: TeamEventEnvelope[] = [];
    const keep = (team: Team, taken: { state: TeamState<unknown>; written: readonly TeamEventEnvelope[] }) => {
      states.set(team, taken.state);
      written.push(...taken.written);
      unread.push(...taken.written);
    };
    for (const team of TEAMS) {
      const decider = TEAM_DECIDERS[team];
      if (decider.readsRequests)
        keep(team, takeRequest(decider, states.get(team) as TeamState<unknown>, requested, clock));
    }
    for (let event = unread.shift(); event; event = unread.shift()) {
      for (const team of TEAMS) {
        const decider = TEAM_DECIDERS[team];
        if (decider.reads.includes(event.producer as Team)) {
          keep(team, takeTeamEvent(decider, states.get(team) as TeamState<unknown>, event, clock));
        }
      }
    }
    return written;
  };
}
