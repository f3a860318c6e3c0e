// What the topics answered the event-sourced part of the matrix, checked: the dead letters each raw record must
// have from every reader of its topic, the conflict every team must report for a return published again with other
// contents, and what every reader kept of a return whose team events were forged.
import { isDeepStrictEqual } from 'node:util';
import { outcomeOnItsOwn, RECORD_OF_TEAM, type RefundRequest, TEAMS } from '../../domain';
import type { DeadLetter } from '../../event-sourced/event-log';
import type { ReturnStatusProjection } from '../../event-sourced/projections/return-status.projection';
import type { Topics } from '../../event-sourced/topics';
import { type Delivery, lettersOf } from './drivers/topic';
import { PUBLISHER_ENTRY, REQUEST_TOPIC_READERS, teamTopicEntry } from './entry-points';
import { type MatrixRow, row } from './rows';

// A raw record on a topic, and who must dead-letter it.
export interface ExpectedLetters {
  readonly entryPoint: string;
  readonly caseId: string;
  readonly what: string;
  readonly delivery: Delivery;
  readonly readers: readonly string[];
}

// The altered copy of the first return: every team reports it, and decides nothing on it.
export function conflictsOf(letters: readonly DeadLetter[], topics: Topics, returnId: string): DeadLetter[] {
  return letters.filter(
    (letter) =>
      letter.reason === 'conflicting-duplicate' && letter.sourceTopic === topics.requests && letter.key === returnId,
  );
}

// Every team that reads the requests.
function reportedByEveryTeam(letters: readonly DeadLetter[]): boolean {
  return REQUEST_TOPIC_READERS.every((team) => letters.some((letter) => letter.reportedBy === team));
}

function reportersOf(letters: readonly DeadLetter[]): Set<string> {
  return new Set(letters.map((letter) => letter.reportedBy));
}

// Every letter the matrix waits for is there: each raw record's from each of its readers, and the conflict's.
export function lettersFound(
  letters: readonly DeadLetter[],
  expected: readonly ExpectedLetters[],
  conflicts: readonly DeadLetter[],
): boolean {
  return (
    reportedByEveryTeam(conflicts) &&
    expected.every(({ delivery, readers }) => {
      const reporters = reportersOf(lettersOf(letters, delivery));
      return readers.every((reader) => reporters.has(reader));
    })
  );
}

// Each raw record is dead-lettered by every reader of its topic, all for one reason.
export function letterRows(letters: readonly DeadLetter[], expected: readonly ExpectedLetters[]): MatrixRow[] {
  return expected.map(({ entryPoint, caseId, what, delivery, readers }) => {
    const found = lettersOf(letters, delivery);
    const reporters = reportersOf(found);
    const missing = readers.filter((reader) => !reporters.has(reader));
    const reasons = [...new Set(found.map((letter) => letter.reason))];
    return row(
      entryPoint,
      caseId,
      what,
      found.length > 0 ? 'dead-letter' : 'nothing',
      found.length > 0
        ? `${reasons.join(', ')}: ${found[0].detail} (by ${[...reporters].sort().join(', ')})`
        : 'no dead letter',
      missing.length === 0 && reasons.length === 1,
    );
  });
}

// The first return, published again with other contents: reported by every team, its first version kept.
export function conflictRow(
  conflicts: readonly DeadLetter[],
  status: ReturnStatusProjection,
  first: RefundRequest,
): MatrixRow {
  const firstKept = isDeepStrictEqual(status.outcome(first.returnId), outcomeOnItsOwn(first));
  const conflictReporters = [...reportersOf(conflicts)].sort().join(', ');
  return row(
    PUBLISHER_ENTRY,
    'same-return-different-content',
    'a return published again, same returnId and eventId, other contents',
    conflicts.length > 0 ? 'dead-letter' : 'ignored',
    conflicts.length > 0
      ? `conflicting-duplicate: ${conflicts[0].detail} (by ${conflictReporters})`
      : 'no error, no dead letter',
    reportedByEveryTeam(conflicts) && firstKept,
    !firstKept,
  );
}

// The second return, whose every team event was forged under its eventId: each team's record is still its own.
export function forgedRows(status: ReturnStatusProjection, second: RefundRequest): MatrixRow[] {
  const secondRecords = status.records(second.returnId);
  const secondOutcome = outcomeOnItsOwn(second);
  return TEAMS.map((team) => {
    const kept = isDeepStrictEqual(secondRecords[RECORD_OF_TEAM[team]], secondOutcome[RECORD_OF_TEAM[team]]);
    return row(
      teamTopicEntry(team),
      'same-event-id-different-content',
      "a forged copy of the team's event: same eventId, other data",
      'ignored',
      kept
        ? 'first version kept by every reader; no error, no dead letter'
        : "the forged copy replaced the team's record",
      kept,
      !kept,
    );
  });
}
