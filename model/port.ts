// The one door into each model. The demo (`npm start`), the audit, the parity suite, the fault suite and the
// benchmark reach a model only through this port, so each of them measures the code users run, and a new driver
// (a dashboard) needs nothing private. Each model implements it once, beside itself: traditional/model.ts and
// event-sourced/model.ts. A driver that needs something the port lacks extends the port.
import type { Config } from '../config';
import type { RefundRequest, ReturnOutcome, Team } from '../domain';
import type { Supervisor } from './supervisor';

export type ModelName = 'traditional' | 'event-sourced';
// Both models, in the order every side-by-side view shows them.
export const MODEL_NAMES: readonly ModelName[] = ['traditional', 'event-sourced'];

// Every process that serves a model: its teams, and in the traditional model User Support's workflow worker.
export type ModelRole = Team | 'user-support';

// How to run one of a model's processes as a child process: what a supervisor (model/supervisor.ts) starts.
export interface ProcessSpec {
  readonly role: ModelRole;
  // Relative to the project root, run with ts-node.
  readonly script: string;
  readonly args: readonly string[];
  // The line, on stdout or stderr, that says the process serves.
  readonly ready: RegExp;
}

// One decision a team stored, as stored.
export interface StoredDecision {
  readonly record: { readonly returnId: string };
  // Which of the team's steps for the return it is: the event's type on a team topic (a unit held, then shipped),
  // the record's status in a team database, which keeps only a return's latest record. Each step is taken once.
  readonly step: string;
  // When the team stored it, by the team's own clock (ISO-8601): the audit trail, never part of the outcome.
  readonly recordedAt: string;
}

// What a model's teams stored, read back from where each keeps it: the team databases, or the team topics.
export interface StoredEffects {
  readonly model: ModelName;
  // Per team and return, each distinct decision the team stored, in the order stored: one per step, the last the
  // record that stands. None is lost; two of one step is a duplicated effect.
  readonly decisions: Readonly<Record<Team, ReadonlyMap<string, readonly StoredDecision[]>>>;
  // Per team, byte-identical copies of a decision (a producer's retry after a lost acknowledgement): stored twice,
  // one decision all the same, which every reader folds once by its eventId. Counted apart from duplicates.
  readonly copies: Readonly<Record<Team, number>>;
  // Per team, stored items that are no readable decision (poison on a team topic).
  readonly unreadable: Readonly<Record<Team, number>>;
}

// What the model's coordination store (Temporal's runs, the request topic) knows of some returns.
export interface ReturnsKnown {
  // Returns the model was handed: a workflow started, or a RefundRequested on the request topic.
  readonly handed: ReadonlySet<string>;
  // Returns the model's coordinator ran to the end: a completed workflow. The choreography has no coordinator:
  // there it is the returns every team answered.
  readonly finished: ReadonlySet<string>;
}

export interface OutcomeWait {
  // Called once per team, as soon as its record of the return stands (domain's teamHasSettled).
  readonly onTeamRecord?: (team: Team) => void;
}

// A model's own record of one return, read without starting a team or creating anything: what `npm run audit`
// and `npm start` show. Each model keeps its own kind (Temporal's workflow history, the team topics), so the trail
// is the model's own type.
export interface AuditReader<Trail> {
  auditTrail(returnId: string): Promise<Trail>;
}

export interface Model {
  readonly name: ModelName;
  // e.g. "traditional (parallel)": what reports call it.
  readonly label: string;
  readonly config: Config;
  // Validates, then hands the return to the model once: its workflow started, or its RefundRequested published.
  // Throws InvalidRefundRequestError, with nothing handed over, when the request is not valid; throws when the
  // model cannot be reached, and the caller decides whether to try again.
  accept(request: unknown): Promise<RefundRequest>;
  // Waits for the outcome of a return handed to the model.
  outcome(returnId: string, wait?: OutcomeWait): Promise<ReturnOutcome>;
  // accept, then outcome.
  submit(request: unknown, wait?: OutcomeWait): Promise<ReturnOutcome>;
  // Every team's decisions, read back from where the teams store them, duplicates included.
  effects(): Promise<StoredEffects>;
  returnsKnown(returnIds: Iterable<string>): Promise<ReturnsKnown>;
  // A live feed of which team's record stands for which return handed to the model from now on, each pair once,
  // as soon as it does (domain's teamHasSettled: a unit held for a return not yet judged, or a charge a refusal
  // has yet to reverse, does not stand): read from the team databases, or from the team topics by the live
  // projection. Returns a function that ends the feed.
  onTeamRecord(listener: (returnId: string, team: Team) => void): () => void;
  // A team taken out of service finishes what it holds; its work waits (on its task queue, or its topic).
  stopTeam(role: ModelRole): Promise<void>;
  startTeam(role: ModelRole): Promise<void>;
  // Kills the process that runs the team with SIGKILL, at whatever point it is; it stays down until startTeam.
  // Only where the teams run as processes of their own (the asProcesses option of each model's open function).
  killTeam(role: ModelRole): Promise<void>;
  // Resolves once nothing is in flight: no workflow of the scope running, or no request any team has yet to take.
  settle(options?: { readonly timeoutMs?: number }): Promise<void>;
  // The processes this model runs when its teams run as processes of their own.
  processSpecs(): readonly ProcessSpec[];
  // Those processes, when they run (asProcesses); null when the teams run in this process.
  readonly processes: Supervisor | null;
  close(): Promise<void>;
}
