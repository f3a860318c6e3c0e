// Every entry point, run as a user runs it, with a store it cannot open or a server that does not answer: it ends
// with one clear message, no stack trace and a non-zero exit code, and leaves no process of its own behind.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtTemporalBinary } from '../../stack/temporal-server';
import { loadConfig } from '../../config';
import { type Finished, hasStackTrace, ScriptProcess } from '../../model/script-process';
import { uniqueScope } from '../support/test-config';
import { type SilentServer, startSilentServer } from './support/silent-server';

interface Probe {
  readonly what: string;
  readonly start: () => ScriptProcess;
  readonly exitCode: number;
  // What the message must say: the setting to fix, or what did not answer.
  readonly says: RegExp;
}

async function finish(script: ScriptProcess): Promise<{ run: Finished; left: number[] }> {
  try {
    const run = await script.finished;
    return { run, left: await script.leftBehind() };
  } finally {
    script.killAll();
  }
}

describe('Entry points at start-up, when a store cannot be opened or a server does not answer', function () {
  // Each probe compiles its entry point with ts-node, which takes a while on a busy machine.
  this.timeout(300_000);
  const main = loadConfig();
  const temporalBin = main.temporalBinary ?? builtTemporalBinary(main.stackDir);
  let folder: string;
  let silent: SilentServer;
  const scope = uniqueScope('start-up');

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'start-up-'));
    writeFileSync(path.join(folder, 'a-file'), 'not a folder\n');
    silent = await startSilentServer();
  });

  after(async () => {
    await silent?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  // A stack folder of the probe's own, and the Temporal CLI already built: nothing is built, nothing shared is
  // touched, and a server that does not answer is reached without starting anything.
  const ownStack = () => ({ STACK_DIR: path.join(folder, 'stack'), TEMPORAL_BIN: temporalBin, RETURNS_SCOPE: scope });
  const unopenable = '/proc/nope';

  const probes: Probe[] = [
    {
      what: 'npm run traditional with DATA_DIR=/proc/nope',
      start: () => ScriptProcess.npm('traditional', [], { RETURNS_SCOPE: scope, DATA_DIR: unopenable }),
      exitCode: 2,
      says: /DATA_DIR/,
    },
    {
      what: 'npm start with DATA_DIR=/proc/nope',
      start: () => ScriptProcess.npm('start', [], { RETURNS_SCOPE: scope, DATA_DIR: unopenable }),
      exitCode: 2,
      says: /DATA_DIR/,
    },
    {
      what: 'npm run event-sourced with STACK_DIR=/proc/nope',
      start: () => ScriptProcess.npm('event-sourced', [], { RETURNS_SCOPE: scope, STACK_DIR: unopenable }),
      exitCode: 2,
      says: /STACK_DIR/,
    },
    {
      what: 'npm run stack:up with STACK_DIR naming a file',
      start: () => ScriptProcess.npm('stack:up', [], { STACK_DIR: path.join(folder, 'a-file') }),
      exitCode: 2,
      says: /STACK_DIR/,
    },
    {
      what: 'npm run bench -- --quick with STACK_DIR=/proc/nope',
      start: () => ScriptProcess.npm('bench', ['--quick'], { STACK_DIR: unopenable }),
      exitCode: 2,
      says: /STACK_DIR/,
    },
    {
      what: 'npm run faults -- --quick with STACK_DIR=/proc/nope',
      start: () => ScriptProcess.npm('faults', ['--quick'], { STACK_DIR: unopenable }),
      exitCode: 2,
      says: /STACK_DIR/,
    },
    {
      what: 'npm run traditional with TEMPORAL_ADDRESS on a loopback port that does not answer',
      start: () => ScriptProcess.npm('traditional', [], { ...ownStack(), TEMPORAL_ADDRESS: silent.address }),
      exitCode: 1,
      says: /TEMPORAL_ADDRESS/,
    },
    {
      what: 'npm run traditional with a TEMPORAL_NAMESPACE the server does not have',
      start: () => ScriptProcess.npm('traditional', [], { ...ownStack(), TEMPORAL_NAMESPACE: 'no-such-namespace' }),
      exitCode: 2,
      says: /no namespace "no-such-namespace"[\s\S]*TEMPORAL_NAMESPACE/,
    },
    {
      what: 'npm run event-sourced with KAFKA_BROKERS on a loopback port that does not answer',
      start: () => ScriptProcess.npm('event-sourced', [], { ...ownStack(), KAFKA_BROKERS: silent.address }),
      exitCode: 1,
      says: /KAFKA_BROKERS/,
    },
    {
      what: 'npm start with KAFKA_BROKERS on a loopback port that does not answer',
      start: () => ScriptProcess.npm('start', [], { ...ownStack(), KAFKA_BROKERS: silent.address }),
      exitCode: 1,
      says: /KAFKA_BROKERS/,
    },
    {
      what: 'npm run stack:up with TEMPORAL_ADDRESS on a loopback port that does not answer',
      start: () => ScriptProcess.npm('stack:up', [], { ...ownStack(), TEMPORAL_ADDRESS: silent.address }),
      exitCode: 1,
      says: /TEMPORAL_ADDRESS/,
    },
    {
      what: 'a team subscriber (run-team.ts) with KAFKA_BROKERS on a port that does not answer',
      start: () =>
        ScriptProcess.node('event-sourced/run-team.ts', ['--team', 'sales'], {
          RETURNS_SCOPE: scope,
          KAFKA_BROKERS: silent.address,
        }),
      exitCode: 1,
      says: /Kafka did not answer[\s\S]*KAFKA_BROKERS/,
    },
    {
      what: 'a team worker (traditional/worker.ts) with TEMPORAL_ADDRESS on a port that does not answer',
      start: () =>
        ScriptProcess.node('traditional/worker.ts', ['--team', 'sales'], {
          RETURNS_SCOPE: scope,
          TEMPORAL_ADDRESS: silent.address,
        }),
      exitCode: 1,
      says: /Temporal does not answer[\s\S]*TEMPORAL_ADDRESS/,
    },
    {
      what: 'a team worker (traditional/worker.ts) with a TEMPORAL_NAMESPACE the server does not have',
      start: () =>
        ScriptProcess.node('traditional/worker.ts', ['--team', 'sales'], {
          RETURNS_SCOPE: scope,
          TEMPORAL_NAMESPACE: 'no-such-namespace',
        }),
      exitCode: 2,
      says: /no namespace no-such-namespace[\s\S]*TEMPORAL_NAMESPACE/,
    },
  ];

  for (const probe of probes) {
    describe(`when ${probe.what}`, () => {
      let outcome: { run: Finished; left: number[] };

      before(async () => {
        outcome = await finish(probe.start());
      });

      it(`should exit with code ${probe.exitCode}`, () => {
        assert.equal(outcome.run.code, probe.exitCode, outcome.run.stdout + outcome.run.stderr);
      });

      it('should say what to fix, without a stack trace', () => {
        assert.match(outcome.run.stderr, probe.says);
        assert.ok(!hasStackTrace(outcome.run.stderr), outcome.run.stderr);
      });

      it('should leave no process behind', () => {
        assert.deepEqual(outcome.left, [], `still running: ${outcome.left.join(', ')}`);
      });
    });
  }
});
