// Hostile input through every entry point of both models: the start scripts' --requests files, User Support's
// own APIs (the workflow client and the publisher), and raw records written straight onto the request topic and
// each team topic. Each must be refused with a clear error, or dead-lettered with its reason; valid returns sent
// after it must complete as usual; and nothing it carried may leave a team record.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config';
import {
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideOrderRefund,
  decideReplacementShipment,
  disassemblyEvent,
  disposalEvent,
  InvalidRefundRequestError,
  outcomeOnItsOwn,
  RECORD_OF_TEAM,
  type RefundRequest,
  refundEvent,
  type ReturnOutcome,
  shipmentEvent,
  type Team,
  TEAMS,
} from '../domain';
import { requestEnvelope, type TeamEventEnvelope, teamEventEnvelope } from '../event-sourced/envelope';
import { connectEventLog, type DeadLetter, type OutgoingRecord } from '../event-sourced/event-log';
import { readReturnStatus } from '../event-sourced/projections/return-status.projection';
import { createPublisher } from '../event-sourced/publisher';
import { topicSpecs, topicsOf } from '../event-sourced/topics';
import { generateReturns } from '../samples/generate-returns';
import { ConflictingReturnError, connectClient, startReturn } from '../traditional/client';
import {
  type CheckFigures,
  FaultChecker,
  type ModelName,
  readEventSourcedEffects,
  readTraditionalEffects,
} from './checker';
import { CHILD_NODE_ENV, PROJECT_ROOT, trackChild } from './children';
import { faultScope, startEventSourcedModel } from './models';
import { CONTENT_CASES } from './hostile-requests';
import { delay, seconds } from './scenario';

export type Handling = 'error' | 'dead-letter' | 'ignored' | 'nothing';

export interface MatrixRow {
  readonly entryPoint: string;
  readonly caseId: string;
  readonly what: string;
  readonly handling: Handling;
  // The error message or the dead letter's reason and detail, shortened.
  readonly detail: string;
  // A team recorded something because of it.
  readonly effect: boolean;
  readonly ok: boolean;
}

export interface ValidAfter {
  readonly entryPoint: string;
  readonly sent: number;
  readonly completed: number;
  // Completed with exactly the outcome the domain gives a return that depends on nothing else.
  readonly asExpected: number;
  readonly longestSeconds: number;
}

export interface HostileReport {
  readonly rows: readonly MatrixRow[];
  readonly validAfter: readonly ValidAfter[];
  readonly figures: Readonly<Record<ModelName, CheckFigures>>;
  // Hostile input that is neither refused nor dead-lettered: kept here so the report says so.
  readonly gaps: readonly string[];
  readonly problems: readonly string[];
  readonly passed: boolean;
  readonly durationMs: number;
}

// Accepted with no error and no dead letter, and without effect: the first version of a team's event is kept and a
// forged one under the same eventId is dropped silently. Reported as a gap, not as a pass.
const FIRST_VERSION_WINS = new Set(['same-event-id-different-content']);

// Whatever the broker takes, a producer must refuse this at once: over Kafka's default 1 MB message size.
const OVERSIZED_BYTES = 1_100_000;
const OVERSIZED_BOUND_MS = 30_000;

// The requests -------------------------------------------------------------------------------------------------------

// Independent returns: fresh orders and models with stock to spare, so each outcome depends on nothing else.
function validReturns(prefix: string, count: number): RefundRequest[] {
  return generateReturns({
    seed: 77,
    count,
    idPrefix: prefix,
    repeatedOrderShare: 0,
    models: ['PHONE-X1', 'PHONE-X2', 'TABLET-T5'],
  });
}

function hostileBase(prefix: string, caseId: string): RefundRequest {
  const [base] = validReturns(`${prefix}-${caseId}`.slice(0, 40), 1);
  return { ...base, returnId: `H-${prefix}-${caseId}`.slice(0, 64) };
}

function row(
  entryPoint: string,
  caseId: string,
  what: string,
  handling: Handling,
  detail: string,
  ok: boolean,
  effect = false,
): MatrixRow {
  return { entryPoint, caseId, what, handling, detail: shorten(detail), effect, ok };
}

// One call to an API that validates at the edge: a clear refusal (InvalidRefundRequestError) is what passes.
async function refusalOf(
  entryPoint: string,
  caseId: string,
  what: string,
  call: () => Promise<unknown>,
): Promise<MatrixRow> {
  try {
    await call();
    return row(entryPoint, caseId, what, 'nothing', 'accepted', false);
  } catch (error) {
    return row(entryPoint, caseId, what, 'error', (error as Error).message, error instanceof InvalidRefundRequestError);
  }
}

// One line, no control characters (a NUL from hostile bytes would make the report a binary file).
function shorten(text: string, length = 160): string {
  const line = text
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '·')
    .trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

// The start scripts ---------------------------------------------------------------------------------------------

interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function runStartScript(
  script: 'traditional' | 'event-sourced',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ScriptRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // --silent: npm prints nothing of its own, so stdout is exactly what the script wrote.
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env, ...CHILD_NODE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own (npm, its shell, node), so that it can be killed whole.
      detached: true,
    });
    trackChild(child, { group: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

function scriptEnv(config: Config): NodeJS.ProcessEnv {
  return {
    RETURNS_SCOPE: config.scope,
    DATA_DIR: config.dataDir,
    STACK_DIR: config.stackDir,
    KAFKA_BROKERS: config.kafkaBrokers.join(','),
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
  };
}

// What the start script printed about request `index` of the file: "request 3 in FILE was not submitted: - …".
function rejectionOf(stderr: string, index: number): string | null {
  const match = new RegExp(`request ${index} in \\S+ was not submitted:\\n((?:  - .*\\n?)+)`).exec(stderr);
  return match ? match[1].replace(/\n {2}- /g, '; ').replace(/^ {2}- /, '') : null;
}

// A clear error names the problem; a stack trace ("    at …") means the script fell over instead.
function isClearError(stderr: string): boolean {
  return stderr.trim().length > 0 && !/\n\s+at .+:\d+:\d+\)?/.test(stderr);
}

interface Part {
  readonly rows: MatrixRow[];
  readonly validAfter: ValidAfter[];
  readonly problems: string[];
}

async function startScriptPart(
  script: 'traditional' | 'event-sourced',
  base: Config,
  checker: FaultChecker,
  onScope: (config: Config) => void,
): Promise<Part> {
  const entryPoint = `npm run ${script} -- --requests`;
  const dir = mkdtempSync(path.join(os.tmpdir(), `faults-hostile-${script}-`));
  const config: Config = { ...base, scope: faultScope(`hostile-${script}`), dataDir: dir };
  onScope(config);
  const prefix = script === 'traditional' ? 'ST' : 'SE';
  const rows: MatrixRow[] = [];
  const problems: string[] = [];
  try {
    // Every hostile request first, then the valid ones: each is refused on its own, and the valid still go through.
    const hostile = CONTENT_CASES.map((hostileCase) => hostileCase.value(hostileBase(prefix, hostileCase.id)));
    const valid = validReturns(`V${prefix}`, 4);
    const duplicate = {
      ...valid[0],
      order: { ...valid[0].order, amountPaid: { ...valid[0].order.amountPaid, amountCents: 1 } },
    };
    const file = path.join(dir, 'requests.json');
    writeFileSync(file, JSON.stringify([...hostile, ...valid, duplicate]));
    const run = await runStartScript(script, ['--requests', file, '--json'], scriptEnv(config));
    CONTENT_CASES.forEach((hostileCase, index) => {
      const refusal = rejectionOf(run.stderr, index);
      rows.push(
        row(
          entryPoint,
          hostileCase.id,
          hostileCase.what,
          refusal ? 'error' : 'nothing',
          refusal ?? 'not reported',
          !!refusal,
        ),
      );
      checker.rejected(hostileCase.id, hostileBase(prefix, hostileCase.id).returnId, refusal ?? 'not reported');
    });
    const duplicateRefusal = rejectionOf(run.stderr, hostile.length + valid.length);
    rows.push(
      row(
        entryPoint,
        'same-return-different-content',
        'the same returnId twice in one file, with different contents',
        duplicateRefusal ? 'error' : 'nothing',
        duplicateRefusal ?? 'not reported',
        !!duplicateRefusal,
      ),
    );
    checker.rejected('same-return-different-content', null, duplicateRefusal ?? 'not reported');
    if (run.code !== 1)
      problems.push(
        `${entryPoint}: exit code ${run.code}, expected 1 (some requests rejected):\n${run.stderr.slice(-2000)}`,
      );
    const outcomes = run.stdout
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as ReturnOutcome);
    for (const request of valid) checker.accepted(request);
    rows.push(...(await fileLevelRows(script, config, dir)));
    return {
      rows,
      validAfter: [
        {
          entryPoint,
          sent: valid.length,
          completed: outcomes.length,
          asExpected: valid.filter((request) =>
            outcomes.some((outcome) => isDeepStrictEqual(outcome, outcomeOnItsOwn(request))),
          ).length,
          longestSeconds: seconds(run.ms),
        },
      ],
      problems,
    };
  } catch (error) {
    problems.push(`${entryPoint}: ${(error as Error).message}`);
    return { rows, validAfter: [], problems };
  }
}

// Whole files that are not a list of requests: refused before anything starts, with a message, not a trace.
async function fileLevelRows(
  script: 'traditional' | 'event-sourced',
  config: Config,
  dir: string,
): Promise<MatrixRow[]> {
  const entryPoint = `npm run ${script} -- --requests`;
  const invalidJson = path.join(dir, 'invalid.json');
  writeFileSync(invalidJson, '[{"returnId": "R-1", "requestedAt": ');
  const notAList = path.join(dir, 'object.json');
  writeFileSync(notAList, JSON.stringify({ returns: [] }));
  const huge = path.join(dir, 'huge.json');
  // Just over the 64 MB a requests file may hold.
  writeFileSync(huge, `[${'"x",'.repeat((64 * 1024 * 1024) / 4 + 1)}"x"]`);
  const latin1 = path.join(dir, 'latin1.json');
  // "Zürich" as ISO 8859-1: the ü is one byte that is no UTF-8.
  writeFileSync(latin1, Buffer.concat([Buffer.from('[{"city": "Z'), Buffer.from([0xfc]), Buffer.from('rich"}]')]));
  // Exit code 1 when what the file holds is wrong, 2 (a usage error) when --requests names nothing readable.
  const cases = [
    { id: 'invalid-json-file', what: 'a requests file that is not valid JSON', file: invalidJson, exitCode: 1 },
    { id: 'not-a-list', what: 'a requests file holding an object, not a list', file: notAList, exitCode: 1 },
    { id: 'huge-file', what: 'a requests file over 64 MB', file: huge, exitCode: 1 },
    { id: 'endless-device', what: '/dev/zero: a source that never ends', file: '/dev/zero', exitCode: 1 },
    { id: 'not-utf8-file', what: 'a requests file in ISO 8859-1, not UTF-8', file: latin1, exitCode: 1 },
    {
      id: 'missing-file',
      what: 'a requests file that does not exist',
      file: path.join(dir, 'nowhere.json'),
      exitCode: 2,
    },
    { id: 'directory-as-file', what: 'a directory given as the requests file', file: dir, exitCode: 2 },
  ];
  const runs = await Promise.all(
    cases.map((fileCase) => runStartScript(script, ['--requests', fileCase.file], scriptEnv(config))),
  );
  rmSync(huge, { force: true });
  return cases.map((fileCase, index) => {
    const run = runs[index];
    const clear = run.code === fileCase.exitCode && isClearError(run.stderr);
    return {
      entryPoint,
      caseId: fileCase.id,
      what: fileCase.what,
      handling: clear ? 'error' : 'nothing',
      detail: shorten(`exit ${run.code}: ${run.stderr.trim().split('\n')[0] ?? ''}`),
      effect: false,
      ok: clear,
    };
  });
}

// User Support's own APIs ------------------------------------------------------------------------------------------

async function traditionalApiPart(
  base: Config,
  checker: FaultChecker,
  onScope: (config: Config) => void,
): Promise<Part> {
  const entryPoint = 'traditional client: startReturn()';
  const config: Config = {
    ...base,
    scope: faultScope('hostile-client'),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'faults-hostile-client-')),
  };
  onScope(config);
  const client = await connectClient(config);
  const rows: MatrixRow[] = [];
  try {
    for (const hostileCase of CONTENT_CASES) {
      const request = hostileCase.value(hostileBase('TC', hostileCase.id));
      const refused = await refusalOf(entryPoint, hostileCase.id, hostileCase.what, () =>
        startReturn(client, config.scope, request, 'parallel'),
      );
      rows.push(refused);
      checker.rejected(hostileCase.id, hostileBase('TC', hostileCase.id).returnId, refused.detail);
    }
    // The same return started again with other contents is refused; the run of the first version stands.
    const [first] = validReturns('VC', 1);
    const altered = {
      ...first,
      cost: { bookValue: { ...first.cost.bookValue, amountCents: first.cost.bookValue.amountCents + 1 } },
    };
    const handle = await startReturn(client, config.scope, first, 'parallel');
    let conflict: string | null = null;
    try {
      await startReturn(client, config.scope, altered, 'parallel');
    } catch (error) {
      if (!(error instanceof ConflictingReturnError)) throw error;
      conflict = error.message;
    }
    const history = await handle.fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const input = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { request: RefundRequest }) : null;
    const firstKept = isDeepStrictEqual(input?.request, first);
    rows.push(
      row(
        entryPoint,
        'same-return-different-content',
        'a return started again, same returnId, other contents',
        conflict ? 'error' : 'ignored',
        conflict ?? 'joins the run of the first version; no error',
        conflict !== null && firstKept,
        !firstKept,
      ),
    );
    // No team runs here: the one valid run is ended, and nothing else may have started.
    await handle.terminate('fault suite: no workers in this scope');
    const started = Number((await client.workflow.count(`TaskQueue = '${config.scope}.user-support'`)).count);
    return {
      rows,
      validAfter: [],
      problems: started !== 1 ? [`${entryPoint}: ${started - 1} workflows started from hostile input`] : [],
    };
  } finally {
    await client.connection.close();
  }
}

// The event-sourced model's topics, and its publisher ----------------------------------------------------------------

const AT = '2026-06-01T10:00:00.000Z';

type TeamEventBuilder = (request: RefundRequest) => TeamEventEnvelope;

const LEGIT_EVENT: Readonly<Record<Team, TeamEventBuilder>> = {
  sales: (request) =>
    teamEventEnvelope(
      'sales',
      refundEvent(decideOrderRefund(request, { earlierRefundOfOrder: null })),
      requestEnvelope(request, AT),
      AT,
    ),
  inventory: (request) =>
    teamEventEnvelope(
      'inventory',
      shipmentEvent(decideReplacementShipment(request, { unitsShippedOfModel: 0 })),
      requestEnvelope(request, AT),
      AT,
    ),
  manufacturing: (request) =>
    teamEventEnvelope(
      'manufacturing',
      disassemblyEvent(decideDisassemblyOrder(request)),
      requestEnvelope(request, AT),
      AT,
    ),
  accounting: (request) =>
    teamEventEnvelope('accounting', disposalEvent(decideAssetDisposal(request)), requestEnvelope(request, AT), AT),
};

// A team's event with one field of its data changed, still valid: what a forger would write.
const FORGED_DATA: Readonly<Record<Team, (data: Record<string, unknown>) => Record<string, unknown>>> = {
  sales: (data) => ({ ...data, refundedAmount: { ...(data.refundedAmount as object), amountCents: 1 } }),
  inventory: (data) => ({ ...data, shipTo: { ...(data.shipTo as object), city: 'Forged City' } }),
  manufacturing: (data) => ({ ...data, siteId: 'FORGED-1' }),
  accounting: (data) => ({ ...data, costCentre: 'CC-FORGED' }),
};

interface RawCase {
  readonly id: string;
  readonly what: string;
  // Keyed like a valid return sent after it, so it shares that return's partition and comes before it.
  readonly record: (key: string, hostileId: string) => OutgoingRecord;
}

const json = (value: unknown) => JSON.stringify(value);

function requestTopicCases(): RawCase[] {
  const envelopeFor = (returnId: string) => requestEnvelope({ ...hostileBase('RT', 'envelope'), returnId }, AT);
  return [
    {
      id: 'invalid-json',
      what: 'invalid JSON',
      record: (key, id) => ({ key, value: `{"eventId": "user-support:RefundRequested:${id}", "type": ` }),
    },
    {
      id: 'binary-garbage',
      what: 'bytes that are not UTF-8 text',
      record: (key, id) => ({ key, value: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3]), Buffer.from(id)]) }),
    },
    { id: 'empty-value', what: 'a record with no value (a tombstone)', record: (key) => ({ key, value: null }) },
    { id: 'no-key', what: 'a message with no key', record: (_, id) => ({ key: null, value: json(envelopeFor(id)) }) },
    {
      id: 'key-mismatch',
      what: 'a key that is not the returnId',
      record: (key, id) => ({ key, value: json(envelopeFor(id)) }),
    },
    {
      id: 'unknown-type',
      what: 'an unknown event type',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), type: 'RefundDemanded' }) }),
    },
    {
      id: 'unknown-version',
      what: 'an unknown version of a known type',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), version: 99 }) }),
    },
    {
      id: 'wrong-producer',
      what: 'a request claiming to come from Sales',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), producer: 'sales' }) }),
    },
    {
      id: 'wrong-topic',
      what: "a team's event on the request topic",
      record: (key) => ({
        key,
        value: json(LEGIT_EVENT.sales({ ...hostileBase('RT', 'wrong-topic'), returnId: key })),
      }),
    },
    {
      id: 'envelope-extra-field',
      what: 'an envelope with an unknown field',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), priority: 'urgent' }) }),
    },
    ...CONTENT_CASES.map((hostileCase) => ({
      id: hostileCase.id,
      what: `a valid envelope carrying ${hostileCase.what}`,
      record: (key: string) => ({
        key,
        value: json({
          ...envelopeFor(key),
          data: hostileCase.value({ ...hostileBase('RT', hostileCase.id), returnId: key }),
        }),
      }),
    })),
  ];
}

function teamTopicCases(team: Team): RawCase[] {
  const legitFor = (returnId: string) => LEGIT_EVENT[team]({ ...hostileBase('TT', team), returnId });
  const other = TEAMS[(TEAMS.indexOf(team) + 1) % TEAMS.length];
  return [
    { id: 'invalid-json', what: 'invalid JSON', record: (key) => ({ key, value: `{"eventId": "${team}:` }) },
    {
      id: 'binary-garbage',
      what: 'bytes that are not UTF-8 text',
      record: (key) => ({ key, value: Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]) }),
    },
    { id: 'empty-value', what: 'a record with no value (a tombstone)', record: (key) => ({ key, value: null }) },
    { id: 'no-key', what: 'a message with no key', record: (_, id) => ({ key: null, value: json(legitFor(id)) }) },
    {
      id: 'key-mismatch',
      what: 'a key that is not the returnId',
      record: (key, id) => ({ key, value: json(legitFor(id)) }),
    },
    {
      id: 'unknown-type',
      what: 'an unknown event type',
      record: (key) => ({ key, value: json({ ...legitFor(key), type: 'RefundTeleported' }) }),
    },
    {
      id: 'unknown-version',
      what: 'an unknown version of a known type',
      record: (key) => ({ key, value: json({ ...legitFor(key), version: 99 }) }),
    },
    {
      id: 'wrong-producer',
      what: 'an event claiming another team made it',
      record: (key) => ({ key, value: json({ ...legitFor(key), producer: other }) }),
    },
    {
      id: 'no-cause',
      what: 'a team event naming no request as its cause',
      record: (key) => ({ key, value: json({ ...legitFor(key), causationId: null }) }),
    },
    {
      id: 'wrong-topic',
      what: "another team's event on this team's topic",
      record: (key) => ({ key, value: json(LEGIT_EVENT[other]({ ...hostileBase('TT', other), returnId: key })) }),
    },
    {
      id: 'invalid-data',
      what: 'a valid envelope carrying invalid data (an unknown field)',
      record: (key) => ({ key, value: json({ ...legitFor(key), data: { ...legitFor(key).data, forged: true } }) }),
    },
    {
      id: 'not-a-timestamp',
      what: 'an occurredAt that is not an ISO-8601 timestamp',
      record: (key) => ({ key, value: json({ ...legitFor(key), occurredAt: '31/12/9999 23:59' }) }),
    },
  ];
}

async function eventSourcedPart(
  base: Config,
  checker: FaultChecker,
  onScope: (config: Config) => void,
  log: (line: string) => void,
): Promise<Part & { effects: Awaited<ReturnType<typeof readEventSourcedEffects>> | null }> {
  const rows: MatrixRow[] = [];
  const validAfter: ValidAfter[] = [];
  const problems: string[] = [];
  const model = await startEventSourcedModel({ base, label: 'hostile-topics', log });
  onScope(model.config);
  const { deployment } = model;
  const topics = topicsOf(model.config.scope);
  const injected = new Set<string>();
  // Poison expected in the dead-letter topic: its key and bytes, and who must report it.
  const expectedLetters: {
    entryPoint: string;
    caseId: string;
    what: string;
    topic: string;
    key: string | null;
    value: string | null;
    reporters: string[];
  }[] = [];
  try {
    // The publisher: validation at the edge, before anything is published.
    const publisher = createPublisher(deployment.eventLog, model.config.scope, () => new Date().toISOString());
    const publisherEntry = 'event-sourced publisher: publish() / publishJson()';
    for (const hostileCase of CONTENT_CASES) {
      const request = hostileCase.value(hostileBase('PU', hostileCase.id));
      const refused = await refusalOf(publisherEntry, hostileCase.id, hostileCase.what, () =>
        publisher.publish(request),
      );
      rows.push(refused);
      checker.rejected(hostileCase.id, hostileBase('PU', hostileCase.id).returnId, refused.detail);
    }
    const huge = json({ ...hostileBase('PU', 'huge'), padding: 'x'.repeat(2_000_000) });
    rows.push(
      await refusalOf(publisherEntry, 'invalid-json', 'invalid JSON text', () =>
        publisher.publishJson('{"returnId": "H-PU-json", '),
      ),
      await refusalOf(publisherEntry, 'huge-payload', 'a 2 MB JSON text', () => publisher.publishJson(huge)),
    );

    // Raw records on every topic, each keyed like one of the valid returns sent right after them.
    const valid = validReturns('VT', 12);
    const keyOf = (index: number) => valid[index % valid.length].returnId;
    let next = 0;
    const inject = async (entryPoint: string, topic: string, rawCase: RawCase, reporters: string[]) => {
      const record = rawCase.record(keyOf(next++), `H-${entryPoint.split(' ')[0]}-${rawCase.id}`.slice(0, 60));
      const value =
        record.value === null ? null : Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value);
      if (value) injected.add(value.toString('utf8'));
      await deployment.eventLog.append(topic, [record]);
      expectedLetters.push({
        entryPoint,
        caseId: rawCase.id,
        what: rawCase.what,
        topic,
        key: record.key,
        value: value ? value.toString('base64') : null,
        reporters,
      });
    };
    for (const rawCase of requestTopicCases()) await inject('request topic', topics.requests, rawCase, [...TEAMS]);
    for (const team of TEAMS) {
      // The live return-status projection reads every team topic; the team reads its own when it rebuilds.
      for (const rawCase of teamTopicCases(team))
        await inject(`${team} topic`, topics.teamEvents[team], rawCase, ['return-status', team]);
    }
    // Too big for the broker: the producer must fail, at once and clearly.
    for (const [entryPoint, topic] of [
      ['request topic', topics.requests],
      ...TEAMS.map((team) => [`${team} topic`, topics.teamEvents[team]]),
    ] as const) {
      const started = performance.now();
      let detail = 'accepted by the broker';
      let failed = false;
      try {
        await deployment.eventLog.append(topic, [{ key: keyOf(0), value: Buffer.alloc(OVERSIZED_BYTES, 0x61) }]);
      } catch (error) {
        failed = true;
        detail = (error as Error).message;
      }
      const ms = performance.now() - started;
      rows.push(
        row(
          entryPoint,
          'oversized',
          `a ${OVERSIZED_BYTES}-byte record, over the broker's 1 MB limit`,
          failed ? 'error' : 'nothing',
          `${detail} (after ${(ms / 1000).toFixed(1)} s)`,
          failed && ms < OVERSIZED_BOUND_MS,
        ),
      );
    }

    // The valid returns right behind the poison: answered as usual, nothing held up.
    const sentAt = performance.now();
    const finishedIn: number[] = [];
    await Promise.all(
      valid.map(async (request) => {
        await model.accept(request);
        checker.accepted(request);
        await withDeadline(model.finished(request.returnId), 60_000, `${request.returnId} behind the poison`);
        finishedIn.push(performance.now() - sentAt);
      }),
    ).catch((error: unknown) => problems.push(`valid returns after poison: ${(error as Error).message}`));

    // The same return again with other contents, and a forged copy of a team's event under its eventId.
    const [first, second] = valid;
    const altered = {
      ...first,
      cost: { bookValue: { ...first.cost.bookValue, amountCents: first.cost.bookValue.amountCents + 1 } },
    };
    await deployment.publish(altered);
    checker.rejected('same-return-different-content', null, 'published again with other contents');
    for (const team of TEAMS) {
      const legit = LEGIT_EVENT[team](second);
      const forged = json({
        ...legit,
        occurredAt: new Date().toISOString(),
        data: FORGED_DATA[team](legit.data as unknown as Record<string, unknown>),
      });
      injected.add(forged);
      await deployment.eventLog.append(topics.teamEvents[team], [{ key: second.returnId, value: forged }]);
    }

    // Every team restarted: it rebuilds its state from its own topic, poison and forgery included.
    await Promise.all(
      [...model.processes.values()].map(async (child) => {
        await child.stop();
        await child.start();
      }),
    );
    const later = validReturns('VL', 4);
    const laterSentAt = performance.now();
    const laterIn: number[] = [];
    await Promise.all(
      later.map(async (request) => {
        await model.accept(request);
        checker.accepted(request);
        await withDeadline(model.finished(request.returnId), 60_000, `${request.returnId} after the teams rebuilt`);
        laterIn.push(performance.now() - laterSentAt);
      }),
    ).catch((error: unknown) =>
      problems.push(`valid returns after a rebuild over poison: ${(error as Error).message}`),
    );
    // Every team has taken the altered copy of the first return (and decided nothing on it) before anything is read.
    await waitUntil(
      async () => (await Promise.all(TEAMS.map((team) => model.lag(team)))).every((lag) => lag === 0),
      60_000,
    );

    const foundFor = (letters: readonly DeadLetter[], expected: (typeof expectedLetters)[number]) =>
      letters.filter(
        (letter) =>
          letter.sourceTopic === expected.topic &&
          letter.key === expected.key &&
          letter.originalValueBase64 === expected.value,
      );
    // The altered copy of the first return: every team reports it, and decides nothing on it.
    const conflictsOf = (letters: readonly DeadLetter[]) =>
      letters.filter(
        (letter) =>
          letter.reason === 'conflicting-duplicate' &&
          letter.sourceTopic === topics.requests &&
          letter.key === first.returnId,
      );
    const reportedByEveryTeam = (letters: readonly DeadLetter[]) =>
      TEAMS.every((team) => letters.some((letter) => letter.reportedBy === team));
    const letters = await waitForLetters(
      deployment.readDeadLetters.bind(deployment),
      (found) =>
        reportedByEveryTeam(conflictsOf(found)) &&
        expectedLetters.every((expected) => {
          const reporters = new Set(foundFor(found, expected).map((letter) => letter.reportedBy));
          return expected.reporters.every((reporter) => reporters.has(reporter));
        }),
    );
    for (const expected of expectedLetters) {
      const found = foundFor(letters, expected);
      const reporters = new Set(found.map((letter) => letter.reportedBy));
      const missing = expected.reporters.filter((reporter) => !reporters.has(reporter));
      const reasons = [...new Set(found.map((letter) => letter.reason))];
      rows.push(
        row(
          expected.entryPoint,
          expected.caseId,
          expected.what,
          found.length > 0 ? 'dead-letter' : 'nothing',
          found.length > 0
            ? `${reasons.join(', ')}: ${found[0].detail} (by ${[...reporters].sort().join(', ')})`
            : 'no dead letter',
          missing.length === 0 && reasons.length === 1,
        ),
      );
    }

    // What every reader now makes of the first two returns: exactly what their own requests say.
    const status = await readReturnStatus(deployment.eventLog, model.config.scope, async () => undefined);
    const firstKept = isDeepStrictEqual(status.outcome(first.returnId), outcomeOnItsOwn(first));
    const conflicts = conflictsOf(letters);
    const conflictReporters = [...new Set(conflicts.map((letter) => letter.reportedBy))].sort().join(', ');
    rows.push(
      row(
        publisherEntry,
        'same-return-different-content',
        'a return published again, same returnId and eventId, other contents',
        conflicts.length > 0 ? 'dead-letter' : 'ignored',
        conflicts.length > 0
          ? `conflicting-duplicate: ${conflicts[0].detail} (by ${conflictReporters})`
          : 'no error, no dead letter',
        reportedByEveryTeam(conflicts) && firstKept,
        !firstKept,
      ),
    );
    const secondRecords = status.records(second.returnId);
    const secondOutcome = outcomeOnItsOwn(second);
    for (const team of TEAMS) {
      const kept = isDeepStrictEqual(secondRecords[RECORD_OF_TEAM[team]], secondOutcome[RECORD_OF_TEAM[team]]);
      rows.push(
        row(
          `${team} topic`,
          'same-event-id-different-content',
          "a forged copy of the team's event: same eventId, other data",
          'ignored',
          kept
            ? 'first version kept by every reader; no error, no dead letter'
            : "the forged copy replaced the team's record",
          kept,
          !kept,
        ),
      );
    }
    const expectedOf = (requests: readonly RefundRequest[], times: number[]) => ({
      sent: requests.length,
      completed: requests.filter((request) => status.outcome(request.returnId) !== null).length,
      asExpected: requests.filter((request) =>
        isDeepStrictEqual(status.outcome(request.returnId), outcomeOnItsOwn(request)),
      ).length,
      longestSeconds: seconds(Math.max(0, ...times)),
    });
    validAfter.push({ entryPoint: 'request and team topics, after poison', ...expectedOf(valid, finishedIn) });
    validAfter.push({ entryPoint: 'after every team rebuilt over poison', ...expectedOf(later, laterIn) });
    const effects = await readEventSourcedEffects(deployment.eventLog, model.config.scope, {
      injectedValues: injected,
    });
    return { rows, validAfter, problems, effects };
  } catch (error) {
    problems.push(`event-sourced topics: ${(error as Error).stack ?? (error as Error).message}`);
    return { rows, validAfter, problems, effects: null };
  } finally {
    await model.close();
  }
}

async function withDeadline(promise: Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not complete within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await probe()) return true;
    await delay(200);
  }
  return false;
}

// Dead letters are written by other processes: waits until they are all there, or the deadline passes.
async function waitForLetters(
  read: () => Promise<DeadLetter[]>,
  complete: (letters: readonly DeadLetter[]) => boolean,
  timeoutMs = 60_000,
): Promise<DeadLetter[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const letters = await read();
    if (complete(letters) || performance.now() > deadline) return letters;
    await delay(500);
  }
}

// The whole matrix ----------------------------------------------------------------------------------------------------

export async function runHostileInput(
  base: Config,
  log: (line: string) => void = () => undefined,
): Promise<HostileReport> {
  const startedAt = performance.now();
  const traditionalChecker = new FaultChecker();
  const eventSourcedChecker = new FaultChecker();
  const traditionalScopes: Config[] = [];
  const eventSourcedScopes: Config[] = [];
  log('hostile input: the start scripts, User Support’s APIs, and raw records on every topic');
  const [traditionalScript, eventSourcedScript, clientApi, topics] = await Promise.all([
    startScriptPart('traditional', base, traditionalChecker, (config) => traditionalScopes.push(config)),
    startScriptPart('event-sourced', base, eventSourcedChecker, (config) => eventSourcedScopes.push(config)),
    traditionalApiPart(base, traditionalChecker, (config) => traditionalScopes.push(config)),
    eventSourcedPart(base, eventSourcedChecker, () => undefined, log),
  ]);
  const parts = [traditionalScript, eventSourcedScript, clientApi, topics];
  const rows = parts.flatMap((part) => part.rows);
  const problems = parts.flatMap((part) => part.problems);

  // What the teams stored, in every scope the matrix used.
  const traditionalEffects = traditionalScopes.map((config) => readTraditionalEffects(config));
  const merged = mergeEffects('traditional', traditionalEffects);
  const traditionalCheck = traditionalChecker.check(merged);
  const eventSourcedEffects = [topics.effects].filter((effects) => effects !== null);
  for (const config of eventSourcedScopes) {
    // The event-sourced start script's scope: its topics hold the script's returns.
    const eventLog = await connectEventLog({ brokers: config.kafkaBrokers, clientId: `${config.scope}.faults` });
    try {
      eventSourcedEffects.push(await readEventSourcedEffects(eventLog, config.scope));
      await eventLog.deleteTopics(topicSpecs(config).map(({ topic }) => topic));
    } finally {
      await eventLog.close();
    }
  }
  const eventSourcedCheck = eventSourcedChecker.check(mergeEffects('event-sourced', eventSourcedEffects));
  for (const config of [...traditionalScopes, ...eventSourcedScopes])
    rmSync(config.dataDir, { recursive: true, force: true });
  for (const [name, check] of [
    ['traditional', traditionalCheck],
    ['event-sourced', eventSourcedCheck],
  ] as const) {
    const { figures } = check;
    if (figures.lost + figures.duplicated + figures.rejectedWithEffect + figures.notCompleted > 0) {
      problems.push(`${name}: ${check.problems.slice(0, 5).join('; ')}`);
    }
  }
  const validAfter = parts.flatMap((part) => part.validAfter);
  for (const after of validAfter) {
    if (after.completed !== after.sent || after.asExpected !== after.sent) {
      problems.push(
        `${after.entryPoint}: ${after.completed}/${after.sent} valid returns completed, ${after.asExpected} as expected`,
      );
    }
  }
  const failedRows = rows.filter((row) => !row.ok);
  for (const row of failedRows) problems.push(`${row.entryPoint} / ${row.caseId}: ${row.handling}, ${row.detail}`);
  const gaps = rows
    .filter((row) => FIRST_VERSION_WINS.has(row.caseId) && row.handling === 'ignored')
    .map((row) => `${row.entryPoint} / ${row.caseId}: ${row.detail}`);
  return {
    rows,
    validAfter,
    figures: { traditional: traditionalCheck.figures, 'event-sourced': eventSourcedCheck.figures },
    gaps,
    problems,
    passed: problems.length === 0,
    durationMs: performance.now() - startedAt,
  };
}

function mergeEffects(
  model: ModelName,
  all: readonly ReturnType<typeof readTraditionalEffects>[],
): ReturnType<typeof readTraditionalEffects> {
  const decisions = Object.fromEntries(TEAMS.map((team) => [team, new Map<string, unknown[]>()])) as Record<
    Team,
    Map<string, unknown[]>
  >;
  let copies = 0;
  for (const effects of all) {
    copies += effects.copies;
    for (const team of TEAMS) {
      for (const [returnId, list] of effects.decisions[team])
        decisions[team].set(returnId, [...(decisions[team].get(returnId) ?? []), ...list]);
    }
  }
  return { model, decisions, copies };
}
