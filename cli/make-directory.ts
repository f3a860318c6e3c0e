// Creating the folders a command writes to, with an error a person can act on.
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ActionableError } from './actionable-error';

// Node's own recursive mkdir never returns for some paths (under /proc, for one): it retries ENOENT forever. So
// the missing folders are made one at a time, from the deepest one that exists.
export function makeDirectory(dir: string, setting: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const kind = kindOf(current);
    if (kind === 'directory') break;
    if (kind === 'other') throw cannotCreate(dir, setting, `${current} exists and is not a folder`);
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(folder) === 'directory') continue;
      throw cannotCreate(dir, setting, (error as Error).message);
    }
  }
}

function kindOf(file: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(file).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

function cannotCreate(dir: string, setting: string, reason: string): ActionableError {
  return new ActionableError(
    `Cannot create the folder ${dir} (${setting}): ${reason}. Set ${setting} to a folder you can write to.`,
    2,
  );
}
