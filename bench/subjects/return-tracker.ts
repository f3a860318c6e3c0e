// The driver's view of the returns it sent: which are still open, for whom, and which completed. Shared by both
// models and both ceilings, so backlog means the same thing everywhere: returns sent and not yet done by all four.
import { performance } from 'node:perf_hooks';
import { perTeam, type Team, TEAMS } from '../../domain';

export type TeamSeen = (team: Team, atMs: number) => void;

interface Open {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly onTeam?: TeamSeen;
  // Bit per team, for drivers that see each team answer.
  seen: number;
}

const ALL_TEAMS = (1 << TEAMS.length) - 1;
const TEAM_BIT: Readonly<Record<Team, number>> = perTeam((team) => 1 << TEAMS.indexOf(team));

export type ReturnState = 'sent' | 'completed' | 'failed';
const STATE_CODE: Readonly<Record<ReturnState, number>> = { sent: 1, completed: 2, failed: 3 };

export class ReturnTracker {
  private readonly open = new Map<string, Open>();
  // One byte per index: 0 never sent, then STATE_CODE.
  private states = new Uint8Array(1024);
  private readonly teamOpen: Record<Team, number> = perTeam(() => 0);
  private idleWaiters: (() => void)[] = [];
  // Team answers for returns that were not open: a late duplicate, or an answer to a return already failed.
  unmatchedAnswers = 0;
  duplicateAnswers = 0;

  constructor(private readonly indexOf: (returnId: string) => number | null) {}

  // Registers the return as open before it is sent, so an answer that overtakes the send acknowledgement counts.
  expect(index: number, returnId: string, onTeam?: TeamSeen): Promise<void> {
    this.setState(index, 'sent');
    for (const team of TEAMS) this.teamOpen[team] += 1;
    return new Promise<void>((resolve, reject) => {
      this.open.set(returnId, { resolve, reject, onTeam, seen: 0 });
    });
  }

  // One team's answer seen by the driver.
  teamAnswered(returnId: string, team: Team): void {
    const entry = this.open.get(returnId);
    if (!entry) {
      this.unmatchedAnswers += 1;
      return;
    }
    const bit = TEAM_BIT[team];
    if (entry.seen & bit) {
      this.duplicateAnswers += 1;
      return;
    }
    entry.seen |= bit;
    this.teamOpen[team] -= 1;
    entry.onTeam?.(team, performance.now());
    if (entry.seen === ALL_TEAMS) this.complete(returnId);
  }

  // The whole return is done (for drivers that see only the end, such as a workflow result).
  complete(returnId: string): void {
    const entry = this.open.get(returnId);
    if (!entry) return;
    this.open.delete(returnId);
    for (const team of TEAMS) if (!(entry.seen & TEAM_BIT[team])) this.teamOpen[team] -= 1;
    const index = this.indexOf(returnId);
    if (index !== null) this.setState(index, 'completed');
    entry.resolve();
    this.wakeIfIdle();
  }

  fail(returnId: string, error: Error): void {
    const entry = this.open.get(returnId);
    if (!entry) return;
    this.open.delete(returnId);
    for (const team of TEAMS) if (!(entry.seen & TEAM_BIT[team])) this.teamOpen[team] -= 1;
    const index = this.indexOf(returnId);
    if (index !== null) this.setState(index, 'failed');
    entry.reject(error);
    this.wakeIfIdle();
  }

  // Every open return fails at once: the driver can no longer see any of them complete.
  failAll(error: Error): void {
    for (const returnId of [...this.open.keys()]) this.fail(returnId, error);
  }

  outstanding(): number {
    return this.open.size;
  }

  // Returns still waiting for each team.
  outstandingPerTeam(): Record<Team, number> {
    return { ...this.teamOpen };
  }

  // Indexes in each state, for checking the teams' own records after the run.
  indexesIn(state: ReturnState): number[] {
    const code = STATE_CODE[state];
    const found: number[] = [];
    for (let index = 0; index < this.states.length; index += 1) if (this.states[index] === code) found.push(index);
    return found;
  }

  // Resolves true once nothing is open, false at the deadline.
  waitUntilIdle(timeoutMs: number): Promise<boolean> {
    if (this.open.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((candidate) => candidate !== waiter);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(waiter);
    });
  }

  private wakeIfIdle(): void {
    if (this.open.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private setState(index: number, state: ReturnState): void {
    if (index >= this.states.length) {
      const grown = new Uint8Array(Math.max(index + 1, this.states.length * 2));
      grown.set(this.states);
      this.states = grown;
    }
    this.states[index] = STATE_CODE[state];
  }
}
