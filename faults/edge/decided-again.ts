// What the negative control decided a second time (traditional-worker.ts --decide-again), kept in a file of the
// fault suite's own beside the team's database: the team's table has UNIQUE(return_id) and would refuse the
// second record, and the team's store knows nothing of this file. faults/effects.ts adds what is here to the
// team's effects.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirectory } from '../../cli/make-directory';
import type { Config } from '../../config';
import type { RecordOfTeam, Team } from '../../domain';
import type { StoredRecord } from '../../traditional/team-store';

export function decidedAgainFile(config: Pick<Config, 'dataDir' | 'scope'>, team: Team): string {
  return path.join(config.dataDir, config.scope, 'faults', `${team}.decided-again.jsonl`);
}

// One line per decision, written before the activity returns: a crash right after it keeps the line.
export function keepDecidedAgain(file: string, stored: StoredRecord<{ readonly returnId: string }>): void {
  makeDirectory(path.dirname(file), 'DATA_DIR');
  appendFileSync(file, `${JSON.stringify(stored)}\n`);
}

export function readDecidedAgain<T extends Team>(
  config: Pick<Config, 'dataDir' | 'scope'>,
  team: T,
): StoredRecord<RecordOfTeam<T>>[] {
  const file = decidedAgainFile(config, team);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as StoredRecord<RecordOfTeam<T>>);
}
