// The workflow client's part of the matrix: every hostile request through startReturn(), then a return started
// twice with other contents. No team runs in this scope, so nothing may start but the one valid run.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../../config';
import { ConflictingReturnError, connectClient } from '../../traditional/client';
import type { EffectsChecker } from '../../model/effects-check';
import { faultScope } from '../open';
import { type WorkflowClientDriver, workflowClientDriver } from './drivers/workflow-client';
import { CLIENT_ENTRY } from './entry-points';
import { CONTENT_CASES, hostileBase, validReturns, withOtherBookValue } from './request-cases';
import { type MatrixRow, type Part, refusalRow, row } from './rows';

export async function clientPart(
  base: Config,
  checker: EffectsChecker,
  onScope: (config: Config) => void,
): Promise<Part> {
  const config: Config = {
    ...base,
    scope: faultScope('hostile-client'),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'faults-hostile-client-')),
  };
  onScope(config);
  const client = await connectClient(config);
  const driver = workflowClientDriver(client, config.scope);
  try {
    const rows: MatrixRow[] = [];
    for (const hostileCase of CONTENT_CASES) {
      const answer = await driver.submit(hostileCase.value(hostileBase('TC', hostileCase.id)));
      const refused = refusalRow(CLIENT_ENTRY, hostileCase.id, hostileCase.what, answer);
      rows.push(refused);
      checker.rejected(hostileCase.id, hostileBase('TC', hostileCase.id).returnId, refused.detail);
    }
    rows.push(await secondVersionRow(driver));
    const started = await driver.runsStarted();
    return {
      rows,
      validAfter: [],
      problems: started !== 1 ? [`${CLIENT_ENTRY}: ${started - 1} workflows started from hostile input`] : [],
    };
  } finally {
    await client.connection.close();
  }
}

// The same return started again with other contents is refused; the run of the first version stands.
async function secondVersionRow(driver: WorkflowClientDriver): Promise<MatrixRow> {
  const [first] = validReturns('VC', 1);
  const handle = await driver.start(first);
  const answer = await driver.submit(withOtherBookValue(first));
  if (answer.thrown && !(answer.error instanceof ConflictingReturnError)) throw answer.error;
  const conflict = answer.thrown ? (answer.error as Error).message : null;
  const firstKept = isDeepStrictEqual(await driver.startedWith(handle), first);
  // No team runs here: the one valid run is ended.
  await handle.terminate('fault suite: no workers in this scope');
  return row(
    CLIENT_ENTRY,
    'same-return-different-content',
    'a return started again, same returnId, other contents',
    conflict ? 'error' : 'ignored',
    conflict ?? 'joins the run of the first version; no error',
    conflict !== null && firstKept,
    !firstKept,
  );
}
