// Which team has answered which return, as the model's live feed (Model.onTeamRecord) reports the stored
// answers; and a promise for any set of them. Every fault scenario follows its model this way.
import { type Team, TEAMS } from '../domain';
import type { Model } from '../model/port';

// Which teams have answered which return, as the answers are stored; and a promise for any set of them.
export class AnswerTracker {
  private readonly answers = new Map<string, Map<Team, number>>();
  private readonly waiters = new Map<string, { teams: readonly Team[]; resolve: () => void }[]>();
  private readonly listeners = new Set<(returnId: string, team: Team, atMs: number) => void>();

  answer(returnId: string, team: Team, atMs = performance.now()): void {
    let teams = this.answers.get(returnId);
    if (!teams) {
      teams = new Map();
      this.answers.set(returnId, teams);
    }
    if (teams.has(team)) return;
    teams.set(team, atMs);
    for (const listener of this.listeners) listener(returnId, team, atMs);
    const waiting = this.waiters.get(returnId);
    if (!waiting) return;
    const still = waiting.filter((waiter) => {
      if (!waiter.teams.every((wanted) => teams.has(wanted))) return true;
      waiter.resolve();
      return false;
    });
    if (still.length > 0) this.waiters.set(returnId, still);
    else this.waiters.delete(returnId);
  }

  answeredBy(returnId: string): ReadonlyMap<Team, number> {
    return this.answers.get(returnId) ?? new Map();
  }

  hasAnswered(returnId: string, team: Team): boolean {
    return this.answers.get(returnId)?.has(team) ?? false;
  }

  isComplete(returnId: string): boolean {
    return (this.answers.get(returnId)?.size ?? 0) === TEAMS.length;
  }

  onAnswer(listener: (returnId: string, team: Team, atMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  until(returnId: string, teams: readonly Team[] = TEAMS): Promise<void> {
    const known = this.answers.get(returnId);
    if (known && teams.every((team) => known.has(team))) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.waiters.get(returnId) ?? [];
      waiting.push({ teams, resolve });
      this.waiters.set(returnId, waiting);
    });
  }
}

const TRACKERS = new WeakMap<Model, AnswerTracker>();

// The model's tracker, fed by its live feed from the first call on: called once the model is open, before any
// return is handed to it.
export function answersOf(model: Model): AnswerTracker {
  let tracker = TRACKERS.get(model);
  if (!tracker) {
    if (!model.onTeamRecord) throw new Error(`${model.label} reports no team records as they are stored`);
    const created = new AnswerTracker();
    model.onTeamRecord((returnId, team) => created.answer(returnId, team));
    TRACKERS.set(model, created);
    tracker = created;
  }
  return tracker;
}

// Resolves once the return is finished as its caller sees it: its outcome settled, every team's record standing
// (in the traditional model the workflow completed, which may be well after the last record, when the last
// activity's completion was lost).
export async function finished(model: Model, returnId: string): Promise<void> {
  await model.outcome(returnId);
}
