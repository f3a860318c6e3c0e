// How the benchmark drives every subject, model or ceiling, through its door (bench/subjects/subject.ts): one
// way to send a return and know it done, one after-run check of what the teams stored, one restart of a team.
import { TEAMS, type Team } from '../../domain';
import { type RunningChild, restartChild } from './processes';
import type { TeamSeen } from './return-tracker';
import type { Subject, TeamCompletion, Verification } from './subject';
import { effectsOfReturns, verificationOf } from './verification';

// Sends return `index` and resolves once every team has done its part, as the subject sees it: every team's
// record on the door's feed, or the whole return's outcome. Rejects when the return cannot be sent.
export function sendReturn(subject: Subject, index: number, onTeam?: TeamSeen): Promise<void> {
  const { door, tracker } = subject;
  const request = subject.workload.request(index);
  const { returnId } = request;
  // Registered before the send, so that an answer that overtakes the send's acknowledgement counts.
  const done = tracker.expect(index, returnId, onTeam);
  const failed = (error: unknown) => tracker.fail(returnId, error as Error);
  const accepted = door.accept(request);
  if (subject.seesTeams) accepted.catch(failed);
  else accepted.then(() => door.outcome!(returnId)).then(() => tracker.complete(returnId), failed);
  return done;
}

// The returns sent and not failed: those the teams must each have done their part of.
function acceptedReturns(subject: Subject): string[] {
  return [...subject.tracker.indexesIn('completed'), ...subject.tracker.indexesIn('sent')].map(
    subject.workload.returnId,
  );
}

// From what the teams stored, of this subject's returns only: stores that several subjects share (the workflow
// variants' team files) hold the others' too. A ceiling whose teams keep nothing has only the driver's view.
export async function verifySubject(subject: Subject): Promise<Verification> {
  const accepted = acceptedReturns(subject);
  if (!subject.door.effects) {
    const unfinished = subject.tracker.indexesIn('sent').map(subject.workload.returnId);
    return {
      method: subject.verifiedBy,
      sent: accepted.length,
      completeInTeamState: accepted.length - unfinished.length,
      lost: unfinished.length,
      lostExamples: unfinished.slice(0, 10),
      duplicatedEffects: 0,
      unreadableRecords: 0,
      perTeam: null,
      deadLetters: null,
    };
  }
  const effects = effectsOfReturns(await subject.door.effects(), new Set(accepted));
  const deadLetters = subject.deadLetters ? await subject.deadLetters() : null;
  return verificationOf(subject.verifiedBy, accepted, effects, deadLetters);
}

// Starts the team's process again through the door, and reports it as running, with what it said on start-up.
export function restartTeam(subject: Subject, team: Team): Promise<RunningChild> {
  return restartChild(subject.supervisor.process(team), () => subject.door.startTeam(team));
}

// When each team recorded its part of these returns, read from the teams' own state after the fact: for a subject
// that sees only whole returns. Null when the teams keep nothing.
export async function teamCompletions(
  subject: Subject,
  returnIds: readonly string[],
): Promise<TeamCompletion[] | null> {
  if (!subject.door.effects) return null;
  const effects = effectsOfReturns(await subject.door.effects(), new Set(returnIds));
  return TEAMS.flatMap((team) =>
    [...effects.decisions[team]].flatMap(([returnId, decisions]) =>
      decisions.map(({ recordedAt }) => ({ returnId, team, recordedAtMs: Date.parse(recordedAt) })),
    ),
  );
}
