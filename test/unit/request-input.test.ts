// The --requests edge of both start scripts: a file, a pipe or stdin is read as it streams, one request at a time
// and within a size bound, never whole first; each request is validated on its own and reported by its index.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import {
  formatRejections,
  MAX_REQUESTS_FILE_BYTES,
  openRequests,
  parseRequestBatch,
  readRequests,
  type RequestEntry,
  RequestInputError,
} from '../../cli/request-input';
import { MAX_REQUEST_BYTES, type RefundRequest } from '../../domain';
import { generateReturns } from '../../samples/generate-returns';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { PROJECT_ROOT } from '../../model/supervisor';

const PROBE = path.join(__dirname, 'support', 'request-input-probe.ts');
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);
const [R1, R2, R3] = SAMPLE_RETURNS;

let dir: string;
function fileWith(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function refusalOf(read: () => Promise<unknown>): Promise<RequestInputError> {
  try {
    await read();
  } catch (error) {
    assert.ok(error instanceof RequestInputError, `expected a RequestInputError, got ${(error as Error).stack}`);
    return error;
  }
  assert.fail('expected the input to be refused');
}

interface ProbeResult {
  readonly total: number | null;
  readonly accepted: number;
  readonly rejected: number;
  readonly error: string | null;
  readonly exitCode: number;
  readonly peakRetainedBytes: number;
  readonly samples: number;
}

// The probe streams a source in a process of its own, keeping nothing, and says how much memory it held.
function probe(source: string, feed?: (stdin: Writable) => void): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', PROBE, source], {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined);
    if (feed) feed(child.stdin);
    else child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`probe exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as ProbeResult);
    });
  });
}

// Writes blank space after an opening bracket for as long as the reader takes it: a JSON array that never ends.
function writeEndlessArray(stream: Writable, written: { bytes: number }): void {
  const blanks = Buffer.alloc(64 * 1024, 0x20);
  let stopped = false;
  stream.on('error', () => (stopped = true));
  stream.on('close', () => (stopped = true));
  const pump = () => {
    while (!stopped) {
      written.bytes += blanks.length;
      if (!stream.write(blanks)) {
        stream.once('drain', pump);
        return;
      }
    }
  };
  written.bytes += 1;
  stream.write('[');
  pump();
}

describe('Requests from a file, a pipe or stdin', function () {
  // A deadline, not a measure: the probes start a TypeScript process of their own on a machine that may be loaded.
  this.timeout(120_000);

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'request-input-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a file holds valid requests, invalid ones and a repeated returnId', () => {
    const invalid = { ...R2, requestedAt: 'yesterday' };
    let file: string;

    before(() => {
      file = fileWith('mixed.json', JSON.stringify([R1, invalid, R3, { ...R1, cost: R3.cost }]));
    });

    it('should accept the valid ones and reject the others by their index, each with its problems', async () => {
      const batch = await readRequests(file);
      assert.deepEqual(batch.accepted, [R1, R3]);
      assert.deepEqual(batch.rejected, [
        {
          index: 1,
          problems: ['requestedAt: must be an ISO-8601 timestamp with a time zone, e.g. 2026-05-01T12:00:00Z'],
        },
        { index: 3, problems: [`returnId: ${R1.returnId} repeats request 0`] },
      ]);
      assert.equal(batch.source, file);
    });

    it('should stream the same entries in the order of the file, and count them all before the first', async () => {
      const requests = await openRequests(file);
      assert.equal(requests.total, 4);
      const entries: RequestEntry[] = [];
      for await (const entry of requests) entries.push(entry);
      assert.deepEqual(
        entries.map((entry) => [entry.index, entry.ok]),
        [
          [0, true],
          [1, false],
          [2, true],
          [3, false],
        ],
      );
    });

    it('should read the file again from its start each time it is iterated', async () => {
      const requests = await openRequests(file);
      const first: RequestEntry[] = [];
      for await (const entry of requests) first.push(entry);
      const second: RequestEntry[] = [];
      for await (const entry of requests) second.push(entry);
      assert.deepEqual(second, first);
    });
  });

  describe('when the requests are given as text', () => {
    it('should read them as from a file, byte-order mark, rejections and repeats included', () => {
      const batch = parseRequestBatch(`\ufeff${JSON.stringify([R1, null, R1])}`, 'pasted text');
      assert.deepEqual(batch, {
        source: 'pasted text',
        accepted: [R1],
        rejected: [
          { index: 1, problems: ['(request): Invalid input: expected object, received null'] },
          { index: 2, problems: [`returnId: ${R1.returnId} repeats request 0`] },
        ],
      });
      assert.deepEqual(formatRejections(batch), [
        'request 1 in pasted text was not submitted:\n  - (request): Invalid input: expected object, received null',
        `request 2 in pasted text was not submitted:\n  - returnId: ${R1.returnId} repeats request 0`,
      ]);
    });
  });

  describe('when the built-in samples are used (no --requests)', () => {
    it('should stream every sample, counted ahead', async () => {
      const requests = await openRequests(undefined);
      assert.equal(requests.total, SAMPLE_RETURNS.length);
      const accepted: RefundRequest[] = [];
      for await (const entry of requests) if (entry.ok) accepted.push(entry.request);
      assert.deepEqual(accepted, SAMPLE_RETURNS);
    });
  });

  describe('when a file starts with a UTF-8 byte-order mark', () => {
    it('should drop the mark and read the requests, pretty-printed or not', async () => {
      const withMark = (json: string) => Buffer.concat([BYTE_ORDER_MARK, Buffer.from(json)]);
      const compact = fileWith('bom.json', withMark(JSON.stringify([R1, R2])));
      const pretty = fileWith('bom-pretty.json', withMark(JSON.stringify([R1], null, 2)));
      assert.deepEqual((await readRequests(compact)).accepted, [R1, R2]);
      assert.deepEqual((await readRequests(pretty)).accepted, [R1]);
      assert.equal((await openRequests(compact)).total, 2);
    });

    it('should still refuse a mark that is not at the very start', async () => {
      const file = fileWith('late-bom.json', Buffer.concat([Buffer.from(' '), BYTE_ORDER_MARK, Buffer.from('[]')]));
      const refusal = await refusalOf(() => readRequests(file));
      assert.match(refusal.message, /is not valid JSON \(unexpected byte 0xef at byte 1\)/);
    });
  });

  describe('when a request is larger than one request may be', () => {
    it(`should reject it by its index and size, without holding it, and read on`, async () => {
      const huge = { ...R2, defectiveItem: { ...R2.defectiveItem, reportedDefect: 'x'.repeat(MAX_REQUEST_BYTES) } };
      const file = fileWith('one-huge.json', JSON.stringify([R1, huge, R3]));
      const batch = await readRequests(file);
      assert.deepEqual(batch.accepted, [R1, R3]);
      const bytes = Buffer.byteLength(JSON.stringify(huge));
      assert.deepEqual(batch.rejected, [
        { index: 1, problems: [`(request): is ${bytes} bytes; at most ${MAX_REQUEST_BYTES} are accepted`] },
      ]);
    });
  });

  describe('when a file is not a JSON array of requests', () => {
    for (const [name, content, says] of [
      ['an object', '{"returns": []}', 'must hold a JSON array of RefundRequests, found an object.'],
      ['a string', '"R-1001"', 'must hold a JSON array of RefundRequests, found a string.'],
      ['a number', ' 42', 'must hold a JSON array of RefundRequests, found a number.'],
      ['null', 'null', 'must hold a JSON array of RefundRequests, found null.'],
      ['an empty file', '', 'is not valid JSON (it is empty)'],
      ['only blanks', ' \n\t ', 'is not valid JSON (it is empty)'],
      ['an array cut off', `[${JSON.stringify(R1)},`, 'is not valid JSON (it ends at byte'],
      ['a request cut off', `[${JSON.stringify(R1).slice(0, 40)}`, 'is not valid JSON (it ends at byte'],
      ['a trailing comma', `[${JSON.stringify(R1)},]`, "is not valid JSON (unexpected ']' at byte"],
      ['two commas', `[${JSON.stringify(R1)},,${JSON.stringify(R2)}]`, "is not valid JSON (unexpected ',' at byte"],
      ['more after the array', `[${JSON.stringify(R1)}] []`, 'is not valid JSON (there is more after the array'],
      ['a broken request', '[{"returnId": "R-1" "order": {}}]', 'is not valid JSON (request 0, from byte 1: '],
      ['brackets that do not match', '[{"returnId": "R-1"]]', 'is not valid JSON (request 0, from byte 1: '],
    ] as const) {
      it(`should refuse ${name} as a whole, with exit code 1, before any request is streamed`, async () => {
        const file = fileWith('wrong.json', content);
        for (const read of [() => readRequests(file), () => openRequests(file)]) {
          const refusal = await refusalOf(read);
          assert.ok(refusal.message.startsWith(`${file} ${says}`), refusal.message);
          assert.equal(refusal.exitCode, 1);
        }
      });
    }

    it('should refuse a request with bytes that are not UTF-8, naming the request', async () => {
      // "Zürich" in ISO 8859-1: the ü is the one byte 0xFC, which is no UTF-8.
      const before = Buffer.from(`[${JSON.stringify(R1)}, {"city": "Z`);
      const latin1 = Buffer.concat([before, Buffer.from([0xfc]), Buffer.from('rich"}]')]);
      const refusal = await refusalOf(() => readRequests(fileWith('latin1.json', latin1)));
      assert.match(refusal.message, /is not UTF-8 text \(request 1, from byte \d+\)\. Save it as UTF-8\.$/);
      assert.equal(refusal.exitCode, 1);
    });

    it('should keep the quotes, brackets and escapes inside strings apart from the array around them', async () => {
      const reportedDefect = 'Says "],[{" and \\"} on the back';
      const tricky = { ...R1, defectiveItem: { ...R1.defectiveItem, reportedDefect } };
      const batch = await readRequests(fileWith('tricky.json', JSON.stringify([tricky, R2])));
      assert.deepEqual(batch.accepted, [tricky, R2]);
    });
  });

  describe('when --requests names nothing readable', () => {
    for (const [name, source, says] of [
      ['a file that does not exist', () => path.join(dir, 'nowhere.json'), 'does not exist.'],
      ['a directory', () => dir, 'is a directory.'],
      ['a path through a file', () => path.join(fileWith('plain.txt', '[]'), 'below'), 'cannot read'],
    ] as const) {
      it(`should refuse ${name} as a usage error (exit code 2), saying how to pass requests`, async () => {
        const refusal = await refusalOf(() => openRequests(source()));
        assert.ok(refusal.message.includes(says), refusal.message);
        const howTo = ' Pass --requests with a readable JSON file, or - for stdin.';
        assert.ok(refusal.message.endsWith(howTo), refusal.message);
        assert.equal(refusal.exitCode, 2);
      });
    }
  });

  describe('when the input is larger than the bound', () => {
    it(`should refuse a file over ${MAX_REQUESTS_FILE_BYTES} bytes by its size, before reading it`, async () => {
      const file = path.join(dir, 'sparse.json');
      writeFileSync(file, '[');
      // Sparse: its size is over the bound, though it takes no room on disk.
      truncateSync(file, MAX_REQUESTS_FILE_BYTES + 1);
      const refusal = await refusalOf(() => openRequests(file));
      assert.equal(
        refusal.message,
        `${file} is ${MAX_REQUESTS_FILE_BYTES + 1} bytes; ` +
          `at most ${MAX_REQUESTS_FILE_BYTES} bytes (64 MiB) are read. Split it into several files.`,
      );
      assert.equal(refusal.exitCode, 1);
      rmSync(file);
    });

    it('should refuse /dev/zero at its first byte, which cannot start a JSON array', async () => {
      const requests = await openRequests('/dev/zero');
      assert.equal(requests.total, null, 'a device has no size to count ahead');
      const refusal = await refusalOf(async () => {
        for await (const _entry of requests);
      });
      assert.match(refusal.message, /^\/dev\/zero is not valid JSON \(unexpected byte 0x00 at byte 0\)/);
      assert.equal(refusal.exitCode, 1);
      assert.equal((await refusalOf(() => readRequests('/dev/zero'))).message, refusal.message);
    });

    it('should stop reading an endless array on stdin at the bound, holding only a little memory', async () => {
      const written = { bytes: 0 };
      const result = await probe('-', (stdin) => writeEndlessArray(stdin, written));
      assert.equal(
        result.error,
        `stdin holds more than ${MAX_REQUESTS_FILE_BYTES} bytes (64 MiB); ` +
          'reading stopped there. Split it into several files.',
      );
      assert.equal(result.exitCode, 1);
      // What the pipe and the writer buffer hold beyond what was read is a few chunks.
      assert.ok(written.bytes <= MAX_REQUESTS_FILE_BYTES + 4 * 1024 * 1024, `${written.bytes} bytes were written`);
      assert.ok(result.peakRetainedBytes < 16 * 1024 * 1024, `held ${result.peakRetainedBytes} bytes`);
    });
  });

  describe('when the requests come through a pipe', () => {
    it('should read requests from stdin ("-"), which it cannot count ahead', async () => {
      const json = Buffer.from(JSON.stringify([R1, R2, R3]));
      const result = await probe('-', (stdin) => stdin.end(Buffer.concat([BYTE_ORDER_MARK, json])));
      assert.deepEqual(result, { ...result, total: null, accepted: 3, rejected: 0, error: null, exitCode: 0 });
    });

    it('should read a named pipe as it is written, and stop reading it when the caller stops', async () => {
      const fifo = path.join(dir, 'requests.fifo');
      execFileSync('mkfifo', [fifo]);
      const writer = createWriteStream(fifo);
      const requests = await openRequests(fifo);
      assert.equal(requests.total, null, 'a pipe can be read only once, so it is not counted ahead');
      let writerClosed = false;
      writer.on('error', () => (writerClosed = true));
      writer.on('close', () => (writerClosed = true));
      // An endless stream of requests: only a reader that stops makes the writer stop.
      let next = 0;
      const pump = () => {
        while (!writerClosed) {
          const [request] = generateReturns({ seed: next, count: 1, idPrefix: `F${next}` });
          const ok = writer.write(`${next++ === 0 ? '[' : ','}${JSON.stringify(request)}`);
          if (!ok) return void writer.once('drain', pump);
        }
      };
      pump();
      const taken: RequestEntry[] = [];
      for await (const entry of requests) {
        taken.push(entry);
        if (taken.length === 3) break;
      }
      assert.deepEqual(
        taken.map((entry) => [entry.index, entry.ok]),
        [
          [0, true],
          [1, true],
          [2, true],
        ],
      );
      // The reading end is closed: the writer fails with EPIPE instead of filling memory somewhere.
      await new Promise<void>((resolve) => (writerClosed ? resolve() : writer.once('close', () => resolve())));
      rmSync(fifo);
    });
  });

  describe('when a large file is streamed by a caller that keeps nothing', () => {
    it('should hold far less memory than the file holds bytes', async () => {
      const requests = generateReturns({ seed: 5, count: 30_000, idPrefix: 'BIG' });
      const file = fileWith('large.json', JSON.stringify(requests));
      const bytes = Buffer.byteLength(JSON.stringify(requests));
      const result = await probe(file);
      assert.deepEqual(
        { total: result.total, accepted: result.accepted, rejected: result.rejected, error: result.error },
        { total: 30_000, accepted: 30_000, rejected: 0, error: null },
      );
      // Reading it whole would hold at least its text: as many bytes again, or twice as many.
      assert.ok(result.samples >= 20, `${result.samples} samples`);
      assert.ok(result.peakRetainedBytes < bytes / 2, `held ${result.peakRetainedBytes} bytes of a ${bytes}-byte file`);
    });
  });
});
