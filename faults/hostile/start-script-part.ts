// The start scripts' part of the matrix: one requests file holding every hostile request, then valid returns, then
// a second version of the first valid return; then whole files that are no list of requests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../../config';
import { outcomeOnItsOwn, type RefundRequest } from '../../domain';
import type { EffectsChecker } from '../../model/effects-check';
import { faultScope } from '../open';
import { seconds } from '../scenario';
import { isClearError, outcomesPrinted, rejectionOf, runStartScript, type ScriptRun } from './drivers/start-script';
import { type StartScript, startScriptEntry } from './entry-points';
import { FILE_CASES } from './file-cases';
import { CONTENT_CASES, hostileBase, validReturns, withOtherAmountPaid } from './request-cases';
import { type MatrixRow, type Part, row, shorten, type ValidAfter } from './rows';

export async function startScriptPart(
  script: StartScript,
  base: Config,
  checker: EffectsChecker,
  onScope: (config: Config) => void,
): Promise<Part> {
  const entryPoint = startScriptEntry(script);
  const dir = mkdtempSync(path.join(os.tmpdir(), `faults-hostile-${script}-`));
  const config: Config = { ...base, scope: faultScope(`hostile-${script}`), dataDir: dir };
  onScope(config);
  const rows: MatrixRow[] = [];
  const problems: string[] = [];
  try {
    const { valid, run, refused } = await oneFileOfRequests(script, config, dir, checker);
    rows.push(...refused);
    if (run.code !== 1)
      problems.push(
        `${entryPoint}: exit code ${run.code}, expected 1 (some requests rejected):\n${run.stderr.slice(-2000)}`,
      );
    const validAfter = validAfterScript(entryPoint, valid, run);
    for (const request of valid) checker.accepted(request);
    rows.push(...(await fileLevelRows(script, config, dir)));
    return { rows, validAfter: [validAfter], problems };
  } catch (error) {
    problems.push(`${entryPoint}: ${(error as Error).message}`);
    return { rows, validAfter: [], problems };
  }
}

// Every hostile request first, then the valid ones: each is refused on its own, and the valid still go through.
async function oneFileOfRequests(
  script: StartScript,
  config: Config,
  dir: string,
  checker: EffectsChecker,
): Promise<{ valid: RefundRequest[]; run: ScriptRun; refused: MatrixRow[] }> {
  const entryPoint = startScriptEntry(script);
  const prefix = script === 'traditional' ? 'ST' : 'SE';
  const hostile = CONTENT_CASES.map((hostileCase) => hostileCase.value(hostileBase(prefix, hostileCase.id)));
  const valid = validReturns(`V${prefix}`, 4);
  const file = path.join(dir, 'requests.json');
  writeFileSync(file, JSON.stringify([...hostile, ...valid, withOtherAmountPaid(valid[0])]));
  const run = await runStartScript(script, ['--requests', file, '--json'], config);
  const refused: MatrixRow[] = [];
  const refusedRow = (caseId: string, what: string, refusal: string | null) =>
    row(entryPoint, caseId, what, refusal ? 'error' : 'nothing', refusal ?? 'not reported', !!refusal);
  CONTENT_CASES.forEach((hostileCase, index) => {
    const refusal = rejectionOf(run.stderr, index);
    refused.push(refusedRow(hostileCase.id, hostileCase.what, refusal));
    checker.rejected(hostileCase.id, hostileBase(prefix, hostileCase.id).returnId, refusal ?? 'not reported');
  });
  const duplicateRefusal = rejectionOf(run.stderr, hostile.length + valid.length);
  refused.push(
    refusedRow(
      'same-return-different-content',
      'the same returnId twice in one file, with different contents',
      duplicateRefusal,
    ),
  );
  checker.rejected('same-return-different-content', null, duplicateRefusal ?? 'not reported');
  return { valid, run, refused };
}

// The outcomes the script printed: one per valid return, each what that return's own request decides.
function validAfterScript(entryPoint: string, valid: readonly RefundRequest[], run: ScriptRun): ValidAfter {
  const outcomes = outcomesPrinted(run.stdout);
  return {
    entryPoint,
    sent: valid.length,
    completed: outcomes.length,
    asExpected: valid.filter((request) =>
      outcomes.some((outcome) => isDeepStrictEqual(outcome, outcomeOnItsOwn(request))),
    ).length,
    longestSeconds: seconds(run.ms),
  };
}

// Whole files that are not a list of requests: refused before anything starts, with a message, not a trace.
async function fileLevelRows(script: StartScript, config: Config, dir: string): Promise<MatrixRow[]> {
  const files = FILE_CASES.map((fileCase) => fileCase.file(dir));
  const runs = await Promise.all(files.map((file) => runStartScript(script, ['--requests', file], config)));
  FILE_CASES.forEach((fileCase, index) => {
    if (fileCase.removeAfter) rmSync(files[index], { force: true });
  });
  return FILE_CASES.map((fileCase, index) => {
    const run = runs[index];
    const clear = run.code === fileCase.exitCode && isClearError(run.stderr);
    return {
      entryPoint: startScriptEntry(script),
      caseId: fileCase.id,
      what: fileCase.what,
      handling: clear ? 'error' : 'nothing',
      detail: shorten(`exit ${run.code}: ${run.stderr.trim().split('\n')[0] ?? ''}`),
      effect: false,
      ok: clear,
    };
  });
}
