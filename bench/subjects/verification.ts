// The after-run check of every subject that keeps team state, from what the teams stored (model/port.ts
// StoredEffects), counted the one way every driver counts it (model/effects-check.ts tallyEffects).
import { type Team, TEAMS } from '../../domain';
import { tallyEffects } from '../../model/effects-check';
import type { StoredDecision, StoredEffects } from '../../model/port';
import type { Verification } from './subject';

const LOST_EXAMPLES = 10;

export function verificationOf(
  method: string,
  accepted: readonly string[],
  effects: StoredEffects,
  deadLetters: number | null,
): Verification {
  const perTeam = tallyEffects(effects);
  const lostIds = accepted.filter((returnId) => TEAMS.some((team) => !effects.decisions[team].has(returnId)));
  return {
    method,
    sent: accepted.length,
    completeInTeamState: accepted.length - lostIds.length,
    lost: lostIds.length,
    lostExamples: lostIds.slice(0, LOST_EXAMPLES),
    duplicatedEffects: TEAMS.reduce((sum, team) => sum + perTeam[team].duplicates, 0),
    unreadableRecords: TEAMS.reduce((sum, team) => sum + effects.unreadable[team], 0),
    perTeam,
    deadLetters,
  };
}

// Only the decisions of these returns: stores that several subjects share hold the others' too.
export function effectsOfReturns(effects: StoredEffects, returnIds: ReadonlySet<string>): StoredEffects {
  const decisions = {} as Record<Team, ReadonlyMap<string, readonly StoredDecision[]>>;
  for (const team of TEAMS) {
    decisions[team] = new Map([...effects.decisions[team]].filter(([returnId]) => returnIds.has(returnId)));
  }
  return { ...effects, decisions };
}
