// A wait for a server's health says what it waits for while it waits, and ends with what was awaited, the limit
// and the end of the server's log. Here against a real port that nothing listens on, with short limits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitUntilHealthy } from '../../stack/health';
import { portAcceptsConnections, StackError } from '../../stack/processes';
import { freePortPair } from './own-stack';

describe('when a wait for a server that never answers runs out', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'health-wait-'));
  const logFile = path.join(dir, 'server.log');
  const said: string[] = [];
  let failure: unknown;
  let address: string;

  before(async () => {
    writeFileSync(logFile, 'starting\nlast words of the server\n');
    address = `127.0.0.1:${await freePortPair(1, 58000)}`;
    const [host, port] = address.split(':');
    failure = await waitUntilHealthy({
      awaited: `Nothing at ${address} to answer`,
      limitMs: 2_500,
      progressEveryMs: 500,
      answers: () => portAcceptsConnections(host, Number(port)),
      address,
      logFile,
      log: (line) => said.push(line),
    }).catch((error: unknown) => error);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('should say what it waits for, for how long so far out of the limit, and that the port is not open', () => {
    assert.ok(said.length > 0, 'no progress line');
    for (const line of said) {
      assert.match(
        line,
        new RegExp(`^still waiting for Nothing at ${address} to answer \\(\\d+ s of 3 s; port \\d+ not open yet\\)$`),
      );
    }
  });

  it('should fail with what was awaited, the limit and the end of the log', () => {
    assert.ok(failure instanceof StackError, String(failure));
    assert.match(failure.message, new RegExp(`^Gave up waiting for Nothing at ${address} to answer after 2\\.5s\\.`));
    assert.match(failure.message, /last words of the server$/);
  });
});
