// Hostile input through every entry point of both models: the start scripts' --requests files, User Support's
// own APIs (the workflow client and the publisher), and raw records written straight onto the request topic and
// each team topic. Each must be refused with a clear error, or dead-lettered with its reason; valid returns sent
// after it must complete as usual; and nothing it carried may leave a team record.
// The cases are data (hostile/*-cases.ts), each entry point has its driver (hostile/drivers/), and each part of
// the matrix runs its cases through its drivers and checks what came back (hostile/*-part.ts).
import { rmSync } from 'node:fs';
import type { Config } from '../config';
import { connectEventLog } from '../event-sourced/event-log';
import { topicSpecs } from '../event-sourced/topics';
import { type CheckFigures, type CheckResult, EffectsChecker } from '../model/effects-check';
import type { ModelName, StoredEffects } from '../model/port';
import { mergeEffects, readTraditionalScopeEffects } from './effects';
import { readTeamTopicEffects } from '../event-sourced/model';
import { clientPart } from './hostile/client-part';
import type { MatrixRow, Part, ValidAfter } from './hostile/rows';
import { startScriptPart } from './hostile/start-script-part';
import { topicsPart } from './hostile/topics-part';

export type { Handling, MatrixRow, ValidAfter } from './hostile/rows';

export interface HostileReport {
  readonly rows: readonly MatrixRow[];
  readonly validAfter: readonly ValidAfter[];
  readonly figures: Readonly<Record<ModelName, CheckFigures>>;
  // Hostile input that is neither refused nor dead-lettered: kept here so the report says so.
  readonly gaps: readonly string[];
  readonly problems: readonly string[];
  readonly passed: boolean;
  readonly durationMs: number;
}

// Accepted with no error and no dead letter, and without effect: the first version of a team's event is kept and a
// forged one under the same eventId is dropped silently. Reported as a gap, not as a pass.
const FIRST_VERSION_WINS = new Set(['same-event-id-different-content']);

export async function runHostileInput(
  base: Config,
  log: (line: string) => void = () => undefined,
): Promise<HostileReport> {
  const startedAt = performance.now();
  const checkers: Record<ModelName, EffectsChecker> = {
    traditional: new EffectsChecker(),
    'event-sourced': new EffectsChecker(),
  };
  // Every scope the matrix used, to read what the teams stored there and to remove it after.
  const scopes: Record<ModelName, Config[]> = { traditional: [], 'event-sourced': [] };
  log('hostile input: the start scripts, User Support’s APIs, and raw records on every topic');
  const [traditionalScript, eventSourcedScript, client, topics] = await Promise.all([
    startScriptPart('traditional', base, checkers.traditional, (config) => scopes.traditional.push(config)),
    startScriptPart('event-sourced', base, checkers['event-sourced'], (config) => scopes['event-sourced'].push(config)),
    clientPart(base, checkers.traditional, (config) => scopes.traditional.push(config)),
    topicsPart(base, checkers['event-sourced'], log),
  ]);
  const parts: Part[] = [traditionalScript, eventSourcedScript, client, topics];
  const checks = await checkEffects(checkers, scopes, topics.effects);
  const rows = parts.flatMap((part) => part.rows);
  const validAfter = parts.flatMap((part) => part.validAfter);
  const problems = [...parts.flatMap((part) => part.problems), ...problemsOf(checks, validAfter, rows)];
  return {
    rows,
    validAfter,
    figures: { traditional: checks.traditional.figures, 'event-sourced': checks['event-sourced'].figures },
    gaps: rows
      .filter((row) => FIRST_VERSION_WINS.has(row.caseId) && row.handling === 'ignored')
      .map((row) => `${row.entryPoint} / ${row.caseId}: ${row.detail}`),
    problems,
    passed: problems.length === 0,
    durationMs: performance.now() - startedAt,
  };
}

// What the teams stored, in every scope the matrix used, checked against what each model was handed; then the
// scopes are removed.
async function checkEffects(
  checkers: Readonly<Record<ModelName, EffectsChecker>>,
  scopes: Readonly<Record<ModelName, readonly Config[]>>,
  topicsEffects: StoredEffects | null,
): Promise<Record<ModelName, CheckResult>> {
  const traditional = checkers.traditional.check(
    mergeEffects(
      'traditional',
      await Promise.all(scopes.traditional.map((config) => readTraditionalScopeEffects(config))),
    ),
  );
  const eventSourcedEffects = [topicsEffects].filter((effects) => effects !== null);
  for (const config of scopes['event-sourced']) {
    // The event-sourced start script's scope: its topics hold the script's returns.
    const eventLog = await connectEventLog({ brokers: config.kafkaBrokers, clientId: `${config.scope}.faults` });
    try {
      eventSourcedEffects.push(await readTeamTopicEffects(eventLog, config.scope));
      await eventLog.deleteTopics(topicSpecs(config).map(({ topic }) => topic));
    } finally {
      await eventLog.close();
    }
  }
  const eventSourced = checkers['event-sourced'].check(mergeEffects('event-sourced', eventSourcedEffects));
  for (const config of [...scopes.traditional, ...scopes['event-sourced']])
    rmSync(config.dataDir, { recursive: true, force: true });
  return { traditional, 'event-sourced': eventSourced };
}

// Effects lost, duplicated or left by rejected input; valid returns not completed as expected; rows not handled.
function problemsOf(
  checks: Readonly<Record<ModelName, CheckResult>>,
  validAfter: readonly ValidAfter[],
  rows: readonly MatrixRow[],
): string[] {
  const problems: string[] = [];
  for (const name of ['traditional', 'event-sourced'] as const) {
    const { figures } = checks[name];
    if (figures.lost + figures.duplicated + figures.rejectedWithEffect + figures.notCompleted > 0) {
      problems.push(`${name}: ${checks[name].problems.slice(0, 5).join('; ')}`);
    }
  }
  for (const after of validAfter) {
    if (after.completed !== after.sent || after.asExpected !== after.sent) {
      problems.push(
        `${after.entryPoint}: ${after.completed}/${after.sent} valid returns completed, ${after.asExpected} as expected`,
      );
    }
  }
  for (const row of rows.filter((candidate) => !candidate.ok))
    problems.push(`${row.entryPoint} / ${row.caseId}: ${row.handling}, ${row.detail}`);
  return problems;
}
