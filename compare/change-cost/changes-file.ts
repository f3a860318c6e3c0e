// process-changes.json: the process changes the project has made, each named by its commits, with what each model
// needed for the returns already in flight when it was deployed. A mistake in it is a usage error (exit code 2) that
// names every problem with its place in the file and how to fix it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ActionableError } from '../../cli/actionable-error';
import { MODELS } from './deployable-units';

export const CHANGES_FILE_NAME = 'process-changes.json';

export interface RecordedChange {
  readonly id: string;
  readonly title: string;
  readonly commits: readonly string[];
  readonly inFlight: { readonly traditional: string; readonly 'event-sourced': string };
}

export class ChangesFileError extends ActionableError {
  constructor(message: string) {
    super(message, 2);
  }
}

const EXAMPLE =
  '{ "id": "verdict-gates-return", "title": "Sales\' verdict gates the return", "commits": ["1a2b3c4"], ' +
  '"inFlight": { "traditional": "…", "event-sourced": "…" } }';

const oneLine = (what: string) =>
  z
    .string({ error: `must be ${what}, as a string` })
    .trim()
    .min(1, `must not be empty: write ${what}`)
    .refine((text) => !/[\r\n]/.test(text), 'must be one line');

const changeSchema = z.strictObject({
  id: z
    .string({ error: 'must be a string' })
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase words joined by dashes, e.g. verdict-gates-return'),
  title: oneLine('a short title'),
  commits: z
    .array(
      z
        .string({ error: 'must be a commit sha, as a string' })
        .regex(/^[0-9a-f]{4,40}$/i, 'must be a commit sha: 4 to 40 hexadecimal digits, e.g. 1a2b3c4'),
      { error: 'must be a list of commit shas' },
    )
    .min(1, 'must name at least one commit'),
  inFlight: z.strictObject(
    Object.fromEntries(
      MODELS.map((model) => [model, oneLine(`what the ${model} model needed for the returns in flight`)]),
    ) as Record<(typeof MODELS)[number], ReturnType<typeof oneLine>>,
    { error: 'must be an object with one line for "traditional" and one for "event-sourced"' },
  ),
});

const fileSchema = z.strictObject(
  {
    // For a person who opens the file: JSON has no comments.
    about: z.string({ error: 'must be a string' }).optional(),
    changes: z.array(changeSchema, { error: `must be a list of changes, each like ${EXAMPLE}` }),
  },
  { error: 'must be a JSON object with a "changes" list' },
);

export function readChangesFile(file: string): readonly RecordedChange[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`;
    throw new ChangesFileError(
      `The changes file ${file} ${why}. Create it with {"changes": []}, and add one entry per process change, ` +
        `e.g. ${EXAMPLE}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ChangesFileError(`${file} is not valid JSON: ${(error as Error).message}. Fix the syntax and run again.`);
  }
  const parsed = fileSchema.safeParse(json, { reportInput: true });
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${placeOf(issue.path)}: ${describe(issue)}`);
  if (parsed.success) problems.push(...duplicateIds(parsed.data.changes));
  if (!parsed.success || problems.length > 0) {
    throw new ChangesFileError(
      `${file} is not a valid changes file:\n${problems.map((problem) => `  ${problem}`).join('\n')}\n` +
        `Each change reads ${EXAMPLE}.`,
    );
  }
  return parsed.data.changes;
}

function duplicateIds(changes: readonly RecordedChange[]): string[] {
  return changes.flatMap(({ id }, index) => {
    const first = changes.findIndex((change) => change.id === id);
    return first < index
      ? [`changes[${index}].id: "${id}" is already the id of changes[${first}]; give each its own`]
      : [];
  });
}

// changes[0].commits[1], as a reader finds it in the file.
function placeOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the file)';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`))
    .join('');
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `has unknown field(s) ${issue.keys.join(', ')}`;
  // Each field's own message explains a wrong value; an absent value deserves plainer words.
  if (issue.code !== 'custom' && 'input' in issue && issue.input === undefined) return `is missing (${issue.message})`;
  return issue.message;
}
