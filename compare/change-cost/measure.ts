// What each recorded process change cost in each model, from the history alone: the files and lines of each of its
// commits (as `git show --numstat` counts them), placed by path (deployable-units.ts), the subscriptions between
// event-sourced teams before and after it, and the in-flight handling its diff shows.
import { ActionableError } from '../../cli/actionable-error';
import { ChangesFileError, readChangesFile, type RecordedChange } from './changes-file';
import { type Area, listUnits, type ModelName, roleOf } from './deployable-units';
import { type CommitInfo, type FileLines, openRepository, type Repository } from './git';
import { detectInFlightHandling, type Detection, IN_FLIGHT_PATHS, WORKFLOWS_FILE } from './in-flight';
import { describeReads, parseTeamInputs, subscriptionChanges, TEAM_INPUTS_FILE, type TeamReads } from './subscriptions';

export interface LineCount {
  readonly files: readonly FileLines[];
  readonly added: number;
  readonly removed: number;
}

export interface ModelCost {
  // In the model's own folder.
  readonly itself: LineCount;
  // The model's own tests and harnesses outside it.
  readonly aroundIt: LineCount;
  readonly deployableUnits: readonly string[];
  // Files of the model that the table of units does not place (deployable-units.ts needs a rule for them).
  readonly unplacedFiles: readonly string[];
  readonly teams: readonly string[];
  readonly subscriptions: {
    readonly added: readonly TeamReads[];
    readonly removed: readonly TeamReads[];
    // The traditional model's only coordination: null in the event-sourced one.
    readonly workflowChanged: boolean | null;
    readonly summary: string;
  };
  readonly inFlight: { readonly declared: string; readonly detected: readonly Detection[] };
}

export interface ChangeCost {
  readonly id: string;
  readonly title: string;
  // Oldest first.
  readonly commits: readonly CommitInfo[];
  // What the change was applied to: the first commit's parent (null for a root commit).
  readonly parent: string | null;
  readonly shared: { readonly domain: LineCount; readonly aroundBoth: LineCount };
  readonly models: Readonly<Record<ModelName, ModelCost>>;
}

export interface Total {
  readonly files: number;
  readonly added: number;
  readonly removed: number;
}

export interface ChangeCostReport {
  readonly changesFile: string;
  readonly changes: readonly ChangeCost[];
  readonly totals: {
    readonly changes: number;
    readonly models: Readonly<
      Record<ModelName, { readonly itself: Total; readonly aroundIt: Total; readonly newSubscriptions: number }>
    >;
    readonly domain: Total;
    readonly aroundBoth: Total;
  };
}

// The history a change needs is not in this clone: a shallow clone, or a commit it never fetched.
export class HistoryMissingError extends ActionableError {
  constructor(message: string) {
    super(
      `${message} Fetch the full history with \`git fetch --unshallow\` (or \`git fetch origin\` for a branch ` +
        'this clone lacks; in CI, check out with fetch-depth: 0) and run again.',
      1,
    );
  }
}

export function measureChangeCost(repo: string, changesFile: string): ChangeCostReport {
  const recorded = readChangesFile(changesFile);
  const repository = recorded.length === 0 ? null : openHistory(repo);
  const changes =
    repository === null
      ? []
      : resolveCommits(repository, recorded, changesFile).map(({ change, commits }) =>
          measureChange(repository, change, commits),
        );
  return { changesFile, changes, totals: totalsOf(changes) };
}

function openHistory(repo: string): Repository {
  const repository = openRepository(repo);
  if (repository === null) {
    throw new HistoryMissingError(
      `${repo} is not in a git clone: change-cost reads the project's history.` +
        ' Clone the repository (git clone) rather than downloading its files.',
    );
  }
  if (repository.isShallow()) {
    throw new HistoryMissingError(
      'This clone is shallow: it holds only the latest commits, so the history the process changes need is not in it.',
    );
  }
  return repository;
}

// Each change's commits as full shas, oldest first; every commit in one change only, and on one line of history.
function resolveCommits(repository: Repository, changes: readonly RecordedChange[], file: string) {
  const owner = new Map<string, string>();
  return changes.map((change) => {
    const shas = change.commits.map((name) => {
      const resolution = repository.resolveCommit(name);
      if (!resolution.found && resolution.reason === 'missing') {
        throw new HistoryMissingError(
          `Commit ${name} of change ${change.id} (${file}) is not in this clone.` +
            ' If it is a typo, correct it in the file (git log --oneline lists the commits).',
        );
      }
      if (!resolution.found) {
        const what =
          resolution.reason === 'ambiguous'
            ? 'is ambiguous: more than one object starts with it. Give more digits of its sha.'
            : `names a ${resolution.type ?? 'object'}, not a commit. Give the commit's sha.`;
        throw new ChangesFileError(`Commit ${name} of change ${change.id} (${file}) ${what}`);
      }
      const earlier = owner.get(resolution.sha);
      if (earlier !== undefined) {
        const where = earlier === change.id ? `twice in ${change.id}` : `in ${earlier} and in ${change.id}`;
        throw new ChangesFileError(
          `Commit ${name} is listed ${where} (${file}): a commit belongs to one change, once; ` +
            'remove the other mention.',
        );
      }
      owner.set(resolution.sha, change.id);
      return resolution.sha;
    });
    const ordered = [...shas].sort((a, b) => (repository.isAncestor(a, b) ? -1 : 1));
    const last = ordered[ordered.length - 1];
    const offLine = ordered.find((sha) => !repository.isAncestor(sha, last));
    if (offLine !== undefined) {
      throw new ChangesFileError(
        `The commits of change ${change.id} (${file}) are not on one line of history: ` +
          `neither ${offLine.slice(0, 12)} nor ${last.slice(0, 12)} comes before the other. ` +
          'List the commits of one branch.',
      );
    }
    return { change, commits: ordered };
  });
}

function measureChange(repository: Repository, change: RecordedChange, shas: readonly string[]): ChangeCost {
  const parent = repository.parentOf(shas[0]);
  const last = shas[shas.length - 1];
  const revisions = [parent, last].filter((rev): rev is string => rev !== null);
  const workflowReadsTeams = new Set(revisions.flatMap((rev) => workflowTeamImports(repository, rev)));

  const lines = new Map<string, FileLines>();
  for (const sha of shas) {
    for (const file of repository.numstat(sha)) {
      const seen = lines.get(file.path);
      lines.set(
        file.path,
        seen ? { ...file, added: seen.added + file.added, removed: seen.removed + file.removed } : file,
      );
    }
  }
  const files = [...lines.values()].sort((a, b) => a.path.localeCompare(b.path));
  const roles = new Map(files.map(({ path }) => [path, roleOf(path, workflowReadsTeams)]));
  const inArea = (matches: (area: Area) => boolean) =>
    countLines(files.filter(({ path }) => matches(roles.get(path)!.area)));
  const detected = detectInFlightHandling(shas.flatMap((sha) => repository.diffLines(sha, IN_FLIGHT_PATHS)));
  const reads = subscriptionChanges(teamInputsAt(repository, parent), teamInputsAt(repository, last));
  const workflowChanged = lines.has(WORKFLOWS_FILE);

  const costOf = (model: ModelName): ModelCost => {
    const of = (pick: 'units' | 'teams') => [...roles.values()].flatMap((role) => role[pick][model]);
    const isTraditional = model === 'traditional';
    const subscriptions = isTraditional
      ? { added: [], removed: [], workflowChanged }
      : { ...reads, workflowChanged: null };
    return {
      itself: inArea((area) => area.kind === 'itself' && area.model === model),
      aroundIt: inArea((area) => area.kind === 'around' && area.model === model),
      deployableUnits: listUnits(model, of('units')),
      unplacedFiles: [...roles]
        .filter(([, role]) => !role.placed && role.area.kind === 'itself' && role.area.model === model)
        .map(([path]) => path),
      teams: [...new Set(of('teams'))].sort(),
      subscriptions: { ...subscriptions, summary: summariseSubscriptions(isTraditional, reads, workflowChanged) },
      inFlight: { declared: change.inFlight[model], detected: detected[model] },
    };
  };
  return {
    id: change.id,
    title: change.title,
    commits: shas.map((sha) => repository.commitInfo(sha)),
    parent,
    shared: {
      domain: inArea((area) => area.kind === 'domain'),
      aroundBoth: inArea((area) => area.kind === 'around-both'),
    },
    models: { traditional: costOf('traditional'), 'event-sourced': costOf('event-sourced') },
  };
}

function summariseSubscriptions(
  traditional: boolean,
  reads: { readonly added: readonly TeamReads[]; readonly removed: readonly TeamReads[] },
  workflowChanged: boolean,
): string {
  if (traditional) return `none (the workflow calls each team)${workflowChanged ? '; workflow changed' : ''}`;
  const said = [
    ...reads.added.map(describeReads),
    ...reads.removed.map((pair) => `${pair.reader} no longer reads ${pair.writer}`),
  ];
  return said.length > 0 ? said.join(', ') : 'none (each team reads the requests alone, as before)';
}

function teamInputsAt(repository: Repository, rev: string | null): TeamReads[] {
  const source = rev === null ? null : repository.fileAt(rev, TEAM_INPUTS_FILE);
  return (source === null ? null : parseTeamInputs(source, rev!.slice(0, 12))) ?? [];
}

// The teams whose domain module the workflow imports a value from (an `import type` brings no code into the bundle).
function workflowTeamImports(repository: Repository, rev: string): string[] {
  const source = repository.fileAt(rev, WORKFLOWS_FILE) ?? '';
  return [...source.matchAll(/import\s+([^;]*?)\s+from\s+['"]\.\.\/domain\/teams\/([a-z][a-z0-9-]*)['"]/g)]
    .filter(([, clause]) => !/^type\s/.test(clause) && !/^\{(\s*type\s+[^,}]+,?)*\s*\}$/.test(clause.trim()))
    .map(([, , team]) => team);
}

function countLines(files: readonly FileLines[]): LineCount {
  return {
    files,
    added: files.reduce((sum, file) => sum + file.added, 0),
    removed: files.reduce((sum, file) => sum + file.removed, 0),
  };
}

// A file changed by two changes counts once among the files, its lines in each.
function totalsOf(changes: readonly ChangeCost[]): ChangeCostReport['totals'] {
  const total = (counts: readonly LineCount[]): Total => ({
    files: new Set(counts.flatMap(({ files }) => files.map(({ path }) => path))).size,
    added: counts.reduce((sum, count) => sum + count.added, 0),
    removed: counts.reduce((sum, count) => sum + count.removed, 0),
  });
  const ofModel = (model: ModelName) => ({
    itself: total(changes.map((change) => change.models[model].itself)),
    aroundIt: total(changes.map((change) => change.models[model].aroundIt)),
    newSubscriptions: changes.reduce((sum, change) => sum + change.models[model].subscriptions.added.length, 0),
  });
  return {
    changes: changes.length,
    models: { traditional: ofModel('traditional'), 'event-sourced': ofModel('event-sourced') },
    domain: total(changes.map((change) => change.shared.domain)),
    aroundBoth: total(changes.map((change) => change.shared.aroundBoth)),
  };
}
