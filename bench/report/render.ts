// Writes a results folder's report.md and charts again from its results.json, with the same figures: for a report
// whose presentation changed after the run. The targets and notes are derived again from the figures.
//   ts-node bench/report/render.ts [DIR]    (default bench/results/latest)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runEntryPoint } from '../../cli/entry-point';
import type { BenchResults } from '../results';
import { evaluateTargets, writeNotes } from './targets';
import { writeReport } from './write-report';

const dir = path.resolve(
  process.env.INIT_CWD ?? process.cwd(),
  process.argv[2] ?? path.join(__dirname, '..', 'results', 'latest'),
);
runEntryPoint(async () => {
  const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as BenchResults;
  const targets = evaluateTargets(results.subjects, { quick: results.mode === 'quick' });
  const written = await writeReport(
    { ...results, targets, notes: writeNotes(results.subjects, targets, results.machine) },
    dir,
  );
  process.stdout.write(`${written.dir}: ${written.files.join(', ')}\n`);
  return 0;
});
