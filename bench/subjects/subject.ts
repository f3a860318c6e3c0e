// What the benchmark measures: the two models, through their own ports (model/port.ts), and their two platform
// ceilings, which are no models and answer the same few calls with stand-ins. A subject is a description beside
// that door, with the driver's tracker of the returns it sent and the processes it runs; bench/subjects/drive.ts
// drives every subject the same way.
import type { RefundRequest, Team } from '../../domain';
import type { StoredEffects } from '../../model/port';
import type { Supervisor } from '../../model/supervisor';
import type { BenchContext } from '../context';
import type { ProcessRole } from '../cpu-meter';
import type { Workload } from '../workload';
import { type SubjectProcesses, watchProcesses } from './processes';
import { ReturnTracker } from './return-tracker';

export type SubjectName =
  | 'choreography'
  | 'orchestration-parallel'
  | 'orchestration-sequential'
  | 'kafka-ceiling'
  | 'temporal-ceiling-parallel'
  | 'temporal-ceiling-sequential';

export type SubjectKind = 'implementation' | 'ceiling';

// The calls the benchmark makes. A Model is one as it is; a ceiling gives the calls it can.
export interface Door {
  accept(request: RefundRequest): Promise<unknown>;
  // How the driver learns that a return is done: the whole return's result (a workflow's), or, for a subject that
  // sees each team, each team's record as it is stored.
  outcome?(returnId: string): Promise<unknown>;
  onTeamRecord?(listener: (returnId: string, team: Team) => void): () => void;
  killTeam(team: Team): Promise<void>;
  startTeam(team: Team): Promise<void>;
  // What the teams stored; none for a ceiling whose teams keep nothing.
  effects?(): Promise<StoredEffects>;
}

export interface SubjectDescription {
  readonly name: SubjectName;
  readonly kind: SubjectKind;
  readonly label: string;
  // How the driver knows a return is done.
  readonly completionSignal: string;
  // True when the driver sees each team's answer as it happens (choreography), not only the whole return's.
  readonly seesTeams: boolean;
  // How the check after the run reads the teams' state.
  readonly verifiedBy: string;
  // The records of the dead-letter topic, where the subject has one.
  deadLetters?(): Promise<number>;
}

export interface Subject extends SubjectDescription {
  readonly door: Door;
  readonly supervisor: Supervisor;
  readonly processes: SubjectProcesses;
  readonly tracker: ReturnTracker;
  readonly workload: Workload;
}

// A subject of its own tracker: several subjects can share processes (both workflow variants run on the same
// workers), never the returns they sent.
export function subjectOf(
  description: SubjectDescription,
  door: Door,
  supervisor: Supervisor,
  context: BenchContext,
  server: ProcessRole['role'],
): Subject {
  const tracker = new ReturnTracker(context.workload.indexOf);
  if (description.seesTeams) {
    if (!door.onTeamRecord) throw new Error(`${description.name} sees each team, but its door gives no team records`);
    door.onTeamRecord((returnId, team) => tracker.teamAnswered(returnId, team));
  } else if (!door.outcome) throw new Error(`${description.name} gives neither outcomes nor team records`);
  return {
    ...description,
    door,
    supervisor,
    processes: watchProcesses(supervisor, context, server),
    tracker,
    workload: context.workload,
  };
}

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

// Several subjects can share processes and connections (both workflow variants run on the same workers).
export interface SubjectGroup {
  readonly subjects: readonly Subject[];
  close(): Promise<void>;
}
