// What the benchmark needs from each thing it measures: the two models and their two platform ceilings.
import type { Team } from '../../domain';
import type { ProcessRole } from '../cpu-meter';
import type { ChildEvent, RunningChild } from './processes';
import type { TeamSeen } from './return-tracker';

export type SubjectName =
  | 'choreography'
  | 'orchestration-parallel'
  | 'orchestration-sequential'
  | 'kafka-ceiling'
  | 'temporal-ceiling-parallel'
  | 'temporal-ceiling-sequential';

export type SubjectKind = 'implementation' | 'ceiling';

export interface TeamCompletion {
  readonly returnId: string;
  readonly team: Team;
  // Wall-clock milliseconds (Date) when the team recorded its part, by the team's own clock.
  readonly recordedAtMs: number;
}

export interface Verification {
  // What the check read: "team topics by eventId", "team SQLite files", or the driver's view only.
  readonly method: string;
  readonly sent: number;
  // Sent returns every team has a record or an event for.
  readonly completeInTeamState: number;
  // Sent returns some team never recorded: must be 0.
  readonly lost: number;
  readonly lostExamples: readonly string[];
  // Records or events beyond one per return and team: must be 0.
  readonly duplicatedEffects: number;
  // Records on a team's topic that are not a readable event: none expected.
  readonly unreadableRecords: number;
  readonly perTeam: Readonly<
    Record<Team, { readonly records: number; readonly returns: number; readonly duplicates: number }>
  > | null;
  // Records of the dead-letter topic: poison the readers could not use.
  readonly deadLetters: number | null;
}

export interface Subject {
  readonly name: SubjectName;
  readonly kind: SubjectKind;
  readonly label: string;
  // How the driver knows a return is done.
  readonly completionSignal: string;
  // True when the driver sees each team's answer as it happens (choreography), not only the whole return's.
  readonly seesTeams: boolean;
  returnId(index: number): string;
  // Sends return `index` and resolves once all four teams have done their part; rejects when it cannot be sent.
  submit(index: number, onTeam?: TeamSeen): Promise<void>;
  outstanding(): number;
  outstandingPerTeam(): Record<Team, number> | null;
  waitUntilIdle(timeoutMs: number): Promise<boolean>;
  processes(): ProcessRole[];
  runningChildren(): RunningChild[];
  childEvents(): readonly ChildEvent[];
  killTeam(team: Team): Promise<void>;
  restartTeam(team: Team): Promise<RunningChild>;
  // When each team recorded its part of these returns, read from the teams' own state after the fact.
  teamCompletions?(returnIds: readonly string[]): Promise<TeamCompletion[]>;
  verify(): Promise<Verification>;
}

// Several subjects can share processes and connections (both workflow variants run on the same workers).
export interface SubjectGroup {
  readonly subjects: readonly Subject[];
  close(): Promise<void>;
}
