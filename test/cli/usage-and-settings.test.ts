// First use, as a user meets it: every command's --help names the npm scripts, its options and its exit codes and
// starts nothing; a mistake on the command line or in a setting exits 2 with one message naming it, without a
// stack trace unless RETURNS_DEBUG=1 asks for one.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePortPair } from '../stack/own-stack';
import { hasStackTrace, runScript, type ScriptRun } from '../../model/script-process';
import { uniqueScope } from '../support/test-config';

describe('Commands on first use', function () {
  this.timeout(180_000);
  let folder: string;

  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'first-use-'));
  });

  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  describe('when asked for --help', () => {
    const commands: [script: string, args: string[], names: RegExp][] = [
      ['start', ['--help'], /npm start -- /],
      ['traditional', ['--help'], /npm run traditional -- /],
      ['event-sourced', ['--help'], /npm run event-sourced -- /],
      ['stack:up', ['--help'], /npm run stack:up \| npm run stack:down \| npm run stack:status/],
      ['stack:status', ['-h'], /npm run stack:up \| npm run stack:down \| npm run stack:status/],
      ['bench', ['--help'], /npm run bench/],
      ['faults', ['--help'], /npm run faults -- /],
    ];
    for (const [script, args, names] of commands) {
      it(`npm run ${script} -- ${args.join(' ')} should print its usage with the exit codes, start nothing and exit 0`, async () => {
        const stackDir = path.join(folder, `help-${script.replace(':', '-')}`);
        const run = await runScript(script, args, { STACK_DIR: stackDir });
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, names);
        assert.match(run.stdout, /Exit codes?:/);
        assert.ok(!existsSync(stackDir), 'nothing was started: the stack folder was not even made');
      });
    }

    it('the start scripts and npm start should list their options, their settings and every exit code', async () => {
      for (const script of ['start', 'traditional', 'event-sourced']) {
        const { stdout } = await runScript(script, ['--help'], {});
        for (const option of ['--requests', '--concurrency', '--variant', '--help'])
          assert.ok(stdout.includes(option), `${script}: ${option}`);
        for (const setting of ['RETURNS_SCOPE', 'STACK_DIR', 'RETURNS_DEBUG'])
          assert.ok(stdout.includes(setting), `${script}: ${setting}`);
        assert.match(stdout, /^\s+0\s/m);
        assert.match(stdout, /^\s+1\s/m);
        assert.match(stdout, /^\s+2\s/m);
        assert.match(stdout, /130, 143/);
      }
    });
  });

  describe('when the command line is wrong', () => {
    const mistakes: [script: string, args: string[], says: RegExp][] = [
      ['traditional', ['--requests', '/no/such/requests.json'], /\/no\/such\/requests\.json does not exist/],
      ['event-sourced', ['--requests', '/no/such/requests.json'], /\/no\/such\/requests\.json does not exist/],
      ['start', ['--requests', '/no/such/requests.json'], /\/no\/such\/requests\.json does not exist/],
      ['start', ['--concurrency', '0'], /--concurrency must be a whole number from 1 to 100, got "0"/],
      ['traditional', ['--concurrency', 'many'], /--concurrency must be a whole number from 1 to 100, got "many"/],
      ['start', ['--json'], /Unknown option '--json'/],
      ['stack:up', ['--now'], /stack:up takes only --brokers N, got --now/],
      ['stack:up', ['--brokers', '2'], /--brokers must be 1 \(one broker\) or 3 \(a cluster\), got "2"/],
    ];
    for (const [script, args, says] of mistakes) {
      it(`npm run ${script} -- ${args.join(' ')} should exit 2 and say what is wrong`, async () => {
        const run = await runScript(script, args, { RETURNS_SCOPE: uniqueScope('usage') });
        assert.equal(run.code, 2, run.stdout + run.stderr);
        assert.match(run.stderr, says);
        assert.ok(!hasStackTrace(run.stderr), run.stderr);
      });
    }
  });

  describe('when a setting is bad', () => {
    let freeTemporal: string;

    before(async () => {
      writeFileSync(path.join(folder, 'a-file'), 'not a folder\n');
      freeTemporal = `127.0.0.1:${await freePortPair(1000, 51000)}`;
    });

    const bad: [script: string, what: string, env: () => NodeJS.ProcessEnv, code: number, says: RegExp][] = [
      [
        'event-sourced',
        'KAFKA_PARTITIONS=0',
        () => ({ KAFKA_PARTITIONS: '0' }),
        2,
        /^KAFKA_PARTITIONS must be a whole number from 1 to 1000, got "0"/m,
      ],
      ['start', 'KAFKA_BROKERS=garbage', () => ({ KAFKA_BROKERS: 'garbage' }), 2, /^KAFKA_BROKERS must be host:port/m],
      [
        'traditional',
        'TEMPORAL_ADDRESS=127.0.0.1:99999',
        () => ({ TEMPORAL_ADDRESS: '127.0.0.1:99999' }),
        2,
        /^TEMPORAL_ADDRESS names port 99999/m,
      ],
      [
        'stack:up',
        'RETURNS_SCOPE="my scope/1"',
        () => ({ RETURNS_SCOPE: 'my scope/1' }),
        2,
        /^RETURNS_SCOPE must be 1-40 lowercase letters/m,
      ],
      ['traditional', 'DATA_DIR naming a file', () => ({ DATA_DIR: path.join(folder, 'a-file') }), 2, /DATA_DIR/],
      [
        'traditional',
        'TEMPORAL_BIN naming no file, when a server must be started',
        () => ({
          STACK_DIR: path.join(folder, 'stack'),
          TEMPORAL_ADDRESS: freeTemporal,
          TEMPORAL_BIN: path.join(folder, 'no-temporal'),
        }),
        1,
        /TEMPORAL_BIN points at .*no-temporal, which does not exist/,
      ],
    ];
    for (const [script, what, env, code, says] of bad) {
      it(`npm run ${script} with ${what} should exit ${code} with one message naming it, without a stack trace`, async () => {
        const run: ScriptRun = await runScript(script, [], { RETURNS_SCOPE: uniqueScope('settings'), ...env() });
        assert.equal(run.code, code, run.stdout + run.stderr);
        assert.match(run.stderr, says);
        assert.ok(!hasStackTrace(run.stderr), run.stderr);
      });
    }

    it('with RETURNS_DEBUG=1 should print the stack trace as well', async () => {
      const run = await runScript('event-sourced', [], { KAFKA_PARTITIONS: '0', RETURNS_DEBUG: '1' });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^KAFKA_PARTITIONS must be/m);
      assert.ok(hasStackTrace(run.stderr), run.stderr);
    });
  });
});
