// The event-sourced model's part of the matrix, with its teams running as processes: the publisher's refusals;
// raw records on the request topic and every team topic, each keyed like a valid return sent right after them;
// then a second version of a return and forged copies of team events; then every team rebuilt from its topic,
// poison and forgery included. The valid returns sent after each step must complete as usual.
import type { Config } from '../../config';
import { type RefundRequest, TEAMS } from '../../domain';
import { readReturnStatus } from '../../event-sourced/projections/return-status.projection';
import { type Topics, topicsOf } from '../../event-sourced/topics';
import type { EventSourcedModel } from '../../event-sourced/model';
import type { EffectsChecker } from '../../model/effects-check';
import type { StoredEffects } from '../../model/port';
import { finished } from '../answers';
import { readTeamTopicEffects } from '../../event-sourced/model';
import { closeFaultModel, openFaultModel } from '../open';
import { publisherDriver } from './drivers/publisher';
import { waitForLetters, writeRecord, writeRefused } from './drivers/topic';
import {
  PUBLISHER_ENTRY,
  REQUEST_TOPIC_ENTRY,
  REQUEST_TOPIC_READERS,
  teamTopicEntry,
  teamTopicReaders,
} from './entry-points';
import { CONTENT_CASES, hostileBase, JSON_TEXT_CASES, validReturns, withOtherBookValue } from './request-cases';
import { type MatrixRow, type Part, refusalRow, row, validAfterOf, type ValidAfter } from './rows';
import { forgedCopy } from './team-events';
import { conflictRow, conflictsOf, type ExpectedLetters, forgedRows, lettersFound, letterRows } from './topic-checks';
import { OVERSIZED, requestTopicCases, teamTopicCases } from './topic-cases';

export interface TopicsPart extends Part {
  readonly effects: StoredEffects | null;
}

export async function topicsPart(
  base: Config,
  checker: EffectsChecker,
  log: (line: string) => void,
): Promise<TopicsPart> {
  const rows: MatrixRow[] = [];
  const validAfter: ValidAfter[] = [];
  const problems: string[] = [];
  const model = (await openFaultModel('event-sourced', { base, label: 'hostile-topics', log })) as EventSourcedModel;
  const { deployment } = model;
  const topics = topicsOf(model.config.scope);
  // Raw values written onto the topics here: never a decision of a team.
  const injected = new Set<string>();
  try {
    rows.push(...(await publisherRows(model, checker)));
    const valid = validReturns('VT', 12);
    const keyOf = (index: number) => valid[index % valid.length].returnId;
    const expected = await writeRawCases(model, topics, keyOf, injected);
    rows.push(...(await oversizedRows(model, topics, keyOf(0))));
    // The valid returns right behind the poison: answered as usual, nothing held up.
    const finishedIn = await sendValid(model, checker, valid, 'behind the poison', (error) =>
      problems.push(`valid returns after poison: ${error.message}`),
    );
    const [first, second] = valid;
    await sendSecondVersions(model, checker, first, second, injected);
    await rebuildEveryTeam(model);
    const later = validReturns('VL', 4);
    const laterIn = await sendValid(model, checker, later, 'after the teams rebuilt', (error) =>
      problems.push(`valid returns after a rebuild over poison: ${error.message}`),
    );
    // Every team has taken the altered copy of the first return (and decided nothing on it) before anything is read.
    await model.settle({ timeoutMs: 60_000 }).catch(() => undefined);
    const letters = await waitForLetters(deployment.readDeadLetters.bind(deployment), (found) =>
      lettersFound(found, expected, conflictsOf(found, topics, first.returnId)),
    );
    rows.push(...letterRows(letters, expected));
    // What every reader now makes of the first two returns: exactly what their own requests say. The poison is
    // counted above, from the letters the teams and the live projection wrote; this reader ignores it.
    const status = await readReturnStatus(deployment.eventLog, model.config.scope, () => Promise.resolve());
    rows.push(conflictRow(conflictsOf(letters, topics, first.returnId), status, first), ...forgedRows(status, second));
    const outcomeOf = (request: RefundRequest) => status.outcome(request.returnId);
    validAfter.push(
      validAfterOf('request and team topics, after poison', valid, outcomeOf, Math.max(0, ...finishedIn)),
      validAfterOf('after every team rebuilt over poison', later, outcomeOf, Math.max(0, ...laterIn)),
    );
    const effects = await readTeamTopicEffects(deployment.eventLog, model.config.scope, injected);
    return { rows, validAfter, problems, effects };
  } catch (error) {
    problems.push(`event-sourced topics: ${(error as Error).stack ?? (error as Error).message}`);
    return { rows, validAfter, problems, effects: null };
  } finally {
    await closeFaultModel(model);
  }
}

// The publisher: validation at the edge, before anything is published.
async function publisherRows(model: EventSourcedModel, checker: EffectsChecker): Promise<MatrixRow[]> {
  const publisher = publisherDriver(model.deployment.eventLog, model.config.scope);
  const rows: MatrixRow[] = [];
  for (const hostileCase of CONTENT_CASES) {
    const answer = await publisher.publish(hostileCase.value(hostileBase('PU', hostileCase.id)));
    const refused = refusalRow(PUBLISHER_ENTRY, hostileCase.id, hostileCase.what, answer);
    rows.push(refused);
    checker.rejected(hostileCase.id, hostileBase('PU', hostileCase.id).returnId, refused.detail);
  }
  for (const textCase of JSON_TEXT_CASES) {
    const answer = await publisher.publishJson(textCase.text());
    rows.push(refusalRow(PUBLISHER_ENTRY, textCase.id, textCase.what, answer));
  }
  return rows;
}

// Raw records on every topic, the request topic first, each keyed like one of the valid returns sent after them.
async function writeRawCases(
  model: EventSourcedModel,
  topics: Topics,
  keyOf: (index: number) => string,
  injected: Set<string>,
): Promise<ExpectedLetters[]> {
  const targets = [
    {
      entryPoint: REQUEST_TOPIC_ENTRY,
      topic: topics.requests,
      cases: requestTopicCases(),
      readers: REQUEST_TOPIC_READERS,
    },
    ...TEAMS.map((team) => ({
      entryPoint: teamTopicEntry(team),
      topic: topics.teamEvents[team],
      cases: teamTopicCases(team),
      readers: teamTopicReaders(team),
    })),
  ];
  const expected: ExpectedLetters[] = [];
  let next = 0;
  for (const { entryPoint, topic, cases, readers } of targets) {
    for (const rawCase of cases) {
      const hostileId = `H-${entryPoint.split(' ')[0]}-${rawCase.id}`.slice(0, 60);
      const delivery = await writeRecord(model.deployment.eventLog, topic, rawCase.record(keyOf(next++), hostileId));
      if (delivery.text !== null) injected.add(delivery.text);
      expected.push({ entryPoint, caseId: rawCase.id, what: rawCase.what, delivery, readers });
    }
  }
  return expected;
}

// Too big for the broker: the producer must fail, at once and clearly.
async function oversizedRows(model: EventSourcedModel, topics: Topics, key: string): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  const targets = [
    [REQUEST_TOPIC_ENTRY, topics.requests],
    ...TEAMS.map((team) => [teamTopicEntry(team), topics.teamEvents[team]]),
  ] as const;
  for (const [entryPoint, topic] of targets) {
    const record = { key, value: Buffer.alloc(OVERSIZED.bytes, 0x61) };
    const { error, ms } = await writeRefused(model.deployment.eventLog, topic, record);
    const detail = error ? error.message : 'accepted by the broker';
    rows.push(
      row(
        entryPoint,
        OVERSIZED.id,
        OVERSIZED.what,
        error ? 'error' : 'nothing',
        `${detail} (after ${(ms / 1000).toFixed(1)} s)`,
        error !== null && ms < OVERSIZED.boundMs,
      ),
    );
  }
  return rows;
}

// Sends the returns at once and waits for each; gives how long each took to finish, from when they were sent.
async function sendValid(
  model: EventSourcedModel,
  checker: EffectsChecker,
  requests: readonly RefundRequest[],
  when: string,
  onFailure: (error: Error) => void,
): Promise<number[]> {
  const sentAt = performance.now();
  const finishedIn: number[] = [];
  await Promise.all(
    requests.map(async (request) => {
      await model.accept(request);
      checker.accepted(request);
      await withDeadline(finished(model, request.returnId), 60_000, `${request.returnId} ${when}`);
      finishedIn.push(performance.now() - sentAt);
    }),
  ).catch((error: unknown) => onFailure(error as Error));
  return finishedIn;
}

// The same return again with other contents, and a forged copy of a team's event under its eventId.
async function sendSecondVersions(
  model: EventSourcedModel,
  checker: EffectsChecker,
  first: RefundRequest,
  second: RefundRequest,
  injected: Set<string>,
): Promise<void> {
  const { deployment } = model;
  await deployment.publish(withOtherBookValue(first));
  checker.rejected('same-return-different-content', null, 'published again with other contents');
  for (const team of TEAMS) {
    const forged = forgedCopy(team, second);
    injected.add(forged);
    await deployment.eventLog.append(topicsOf(model.config.scope).teamEvents[team], [
      { key: second.returnId, value: forged },
    ]);
  }
}

// Every team restarted: it rebuilds its state from its own topic, poison and forgery included.
async function rebuildEveryTeam(model: EventSourcedModel): Promise<void> {
  await Promise.all(
    [...(model.processes?.processes.values() ?? [])].map(async (child) => {
      await child.stop();
      await child.start();
    }),
  );
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
