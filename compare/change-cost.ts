// `npm run change-cost [-- --json | --markdown]`: what each process change recorded in process-changes.json cost in
// each model, read from the git history alone (compare/change-cost/measure.ts); no server is needed.
import path from 'node:path';
import { parseCommandLine, UsageError } from '../cli/command-line';
import { runEntryPoint } from '../cli/entry-point';
import { CHANGES_FILE_NAME } from './change-cost/changes-file';
import { measureChangeCost } from './change-cost/measure';
import { renderMarkdown, renderText } from './change-cost/render';

const DEFAULT_FILE = path.join(path.resolve(__dirname, '..'), CHANGES_FILE_NAME);

const USAGE = `Usage: npm run change-cost [-- --json | --markdown] [--file FILE]

For each process change recorded in ${CHANGES_FILE_NAME}, what it cost in each model: the files and lines it
changed in the model itself, in the shared domain and around it (tests, docs, tools), the deployable units that
had to be redeployed, the teams whose code changed, the subscriptions it added between teams, and how the returns
already in flight were handled, as recorded and as the diff shows. Reads the git history; no server is needed.

  --json         the same figures as one JSON document on stdout
  --markdown     a markdown table per change and the totals, ready for the README
  --file FILE    the changes file (default: ${CHANGES_FILE_NAME} at the root of this checkout); its history is
                 that of the git clone the file is in
  -h, --help     this text

Exit code: 0 when every change was measured or none is recorded yet, 1 when the history a change needs is not in
this clone (a shallow clone: git fetch --unshallow), 2 on a usage error or a mistake in the changes file.`;

async function main(argv: readonly string[]): Promise<number> {
  const { help, values } = parseCommandLine(
    argv,
    {
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      file: { type: 'string', default: DEFAULT_FILE },
    },
    USAGE,
  );
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.json && values.markdown) throw new UsageError('Give --json or --markdown, not both.', USAGE);
  const file = path.resolve(values.file);
  const report = measureChangeCost(path.dirname(file), file);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (report.changes.length === 0) {
    const none =
      `No process changes are recorded yet in ${file}: add one entry per change to its "changes" list, with the ` +
      'commits that made it (npm run change-cost -- --help).\n';
    (values.json ? process.stderr : process.stdout).write(none);
    return 0;
  }
  if (!values.json) process.stdout.write(values.markdown ? renderMarkdown(report) : renderText(report));
  return 0;
}

runEntryPoint(() => main(process.argv.slice(2)));
