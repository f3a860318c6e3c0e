// The history of the repository, read with git itself. Every call names its output format outright (no colour, no
// external diff, no renames, fixed prefixes, C locale), so a reader's own git configuration cannot change the figures.
import { spawnSync } from 'node:child_process';
import { ActionableError } from '../../cli/actionable-error';

export interface FileLines {
  readonly path: string;
  readonly added: number;
  readonly removed: number;
}

// The lines one commit added and removed in one file, as its diff shows them.
export interface FileDiff {
  readonly path: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface CommitInfo {
  readonly sha: string;
  readonly short: string;
  readonly subject: string;
}

export type Resolution =
  | { readonly found: true; readonly sha: string }
  | { readonly found: false; readonly reason: 'missing' | 'ambiguous' | 'not-a-commit'; readonly type?: string };

const DIFF_FORMAT = ['--no-color', '--no-ext-diff', '--no-textconv', '--no-renames'];

export class Repository {
  private emptyTreeSha: string | undefined;

  constructor(readonly dir: string) {}

  isInsideWorkTree(): boolean {
    const inside = this.run(['rev-parse', '--is-inside-work-tree']);
    return inside.status === 0 && inside.stdout.trim() === 'true';
  }

  isShallow(): boolean {
    return this.output(['rev-parse', '--is-shallow-repository']).trim() === 'true';
  }

  resolveCommit(name: string): Resolution {
    const parsed = this.run(['rev-parse', '--verify', name]);
    if (parsed.status !== 0) {
      return { found: false, reason: /ambiguous/i.test(parsed.stderr) ? 'ambiguous' : 'missing' };
    }
    const sha = parsed.stdout.trim();
    // rev-parse accepts any 40 hex digits as they are; only the object database knows whether it holds them.
    const type = this.run(['cat-file', '-t', sha]);
    if (type.status !== 0) return { found: false, reason: 'missing' };
    const kind = type.stdout.trim();
    return kind === 'commit' ? { found: true, sha } : { found: false, reason: 'not-a-commit', type: kind };
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.run(['merge-base', '--is-ancestor', ancestor, descendant]).status === 0;
  }

  // The first parent: what the commit changed is its diff against it, as `git show` reads a merge's first parent.
  parentOf(sha: string): string | null {
    const [, parent] = this.output(['rev-list', '--parents', '-n', '1', sha]).trim().split(' ');
    return parent ?? null;
  }

  commitInfo(sha: string): CommitInfo {
    const [full, short, subject] = this.output(['show', '-s', '--format=%H%x00%h%x00%s', sha]).trim().split('\0');
    return { sha: full, short, subject };
  }

  // Files and lines the commit changed, from `git diff --numstat`; a binary file counts as a file of no lines.
  numstat(sha: string): FileLines[] {
    const records = this.output(['diff', '--numstat', '-z', ...DIFF_FORMAT, this.baseOf(sha), sha]).split('\0');
    return records
      .filter((record) => record.length > 0)
      .map((record) => {
        const [added, removed, ...path] = record.split('\t');
        return { path: path.join('\t'), added: lineCount(added), removed: lineCount(removed) };
      });
  }

  // The lines the commit added and removed in the given paths (files or folders).
  diffLines(sha: string, paths: readonly string[]): FileDiff[] {
    const patch = this.output([
      'diff',
      '-U0',
      ...DIFF_FORMAT,
      '--src-prefix=a/',
      '--dst-prefix=b/',
      this.baseOf(sha),
      sha,
      '--',
      ...paths,
    ]);
    return parsePatch(patch);
  }

  // The file's text at a commit, or null when the commit has no such file.
  fileAt(rev: string, path: string): string | null {
    const shown = this.run(['cat-file', 'blob', `${rev}:${path}`]);
    return shown.status === 0 ? shown.stdout : null;
  }

  private baseOf(sha: string): string {
    const parent = this.parentOf(sha);
    if (parent !== null) return parent;
    // A root commit is its diff against the empty tree, as `git show` reads it.
    this.emptyTreeSha ??= this.output(['hash-object', '-t', 'tree', '--stdin'], '').trim();
    return this.emptyTreeSha;
  }

  private output(args: readonly string[], input?: string): string {
    const result = this.run(args, input);
    if (result.status !== 0) {
      throw new ActionableError(`git ${args.join(' ')} failed in ${this.dir}: ${result.stderr.trim()}`);
    }
    return result.stdout;
  }

  private run(args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('git', ['-C', this.dir, '-c', 'core.quotepath=off', ...args], {
      encoding: 'utf8',
      input,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' },
    });
    if (result.error) {
      const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ActionableError(
        missing
          ? 'git is not on PATH: change-cost reads the history with it. Install git and run again.'
          : `git could not run: ${result.error.message}`,
      );
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
}

// The folder's repository, or null when it is in none (a downloaded archive of the project, say).
export function openRepository(dir: string): Repository | null {
  const repository = new Repository(dir);
  return repository.isInsideWorkTree() ? repository : null;
}

function lineCount(field: string): number {
  return field === '-' ? 0 : Number.parseInt(field, 10);
}

// A -U0 patch: a header per file (diff --git, ---, +++), then hunks (@@) of + and - lines. Inside a hunk a line
// that starts with "+++" is an added line that starts with "++", not a header.
function parsePatch(patch: string): FileDiff[] {
  const files: { path: string; added: string[]; removed: string[] }[] = [];
  let current: { path: string; added: string[]; removed: string[] } | undefined;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = { path: '', added: [], removed: [] };
      files.push(current);
      inHunk = false;
    } else if (current === undefined) {
      continue;
    } else if (line.startsWith('@@')) {
      inHunk = true;
    } else if (!inHunk) {
      // The new path, or the old one for a deleted file.
      if (line.startsWith('+++ b/')) current.path = line.slice('+++ b/'.length);
      else if (line.startsWith('--- a/') && current.path === '') current.path = line.slice('--- a/'.length);
    } else if (line.startsWith('+')) {
      current.added.push(line.slice(1));
    } else if (line.startsWith('-')) {
      current.removed.push(line.slice(1));
    }
  }
  return files;
}
