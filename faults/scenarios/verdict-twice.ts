// Sales' verdict delivered twice to every team that reads it. Each RefundIssued and RefundRejected on Sales' topic
// is appended once more, byte for byte, as soon as it is there (a producer's retry after a lost acknowledgement),
// and all of them a third time once the returns have settled (a redelivery long after, as a replayed partition
// brings it). A team that already acted on a verdict must take no second step: no second release, reversal or
// shipment, and no second notification.
//
// Event-sourced only: a workflow reads Sales' answer once, from its own history (Temporal refuses a second
// completion of an activity), so there is no second delivery of a verdict to inject. Its counterpart, a team's
// activity run again after its effect was stored, is the crash point (crash-point.ts).
import type { LogRecord } from '../../event-sourced/event-log';
import type { EventSourcedModel } from '../../event-sourced/model';
import { EffectsChecker } from '../../model/effects-check';
import { driveReturns } from '../drive';
import { faultEffects } from '../effects';
import { faultReturns, judge, type Scenario, withModel } from '../scenario';
import { ANSWER_TIMEOUT_MS, openScenarioModel, settleModel } from './per-model';

// Appends a copy of every record of Sales' topic it has not copied yet: its own copies, read back, are the same
// bytes, and are not copied again.
function verdictCopier(model: EventSourcedModel) {
  const topic = model.deployment.topics.teamEvents.sales;
  const copied = new Set<string>();
  let appended = 0;
  const copy = async (records: readonly LogRecord[]) => {
    const fresh = records.filter((record) => record.value !== null && !copied.has(record.value.toString('base64')));
    for (const record of fresh) copied.add(record.value!.toString('base64'));
    if (fresh.length === 0) return;
    await model.deployment.eventLog.append(
      topic,
      fresh.map((record) => ({ key: record.key, value: record.value })),
    );
    appended += fresh.length;
  };
  return { topic, copy, appended: () => appended, verdicts: () => copied.size };
}

export const eventSourcedVerdictTwice: Scenario = {
  id: 'es-verdict-delivered-twice',
  title: "Sales' verdict delivered twice to every team that reads it, at once and again after the returns settled",
  model: 'event-sourced',
  async run(context) {
    const startedAt = performance.now();
    const requests = faultReturns(context.sizes.fewerReturns);
    const timeoutMs = ANSWER_TIMEOUT_MS['event-sourced'];
    return withModel(openScenarioModel(context, 'event-sourced', 'es-verdict-twice'), async (opened) => {
      const model = opened as EventSourcedModel;
      const checker = new EffectsChecker();
      const copier = verdictCopier(model);
      const ownProblems: string[] = [];
      const tail = await model.deployment.eventLog.tail(
        [copier.topic],
        (record) => copier.copy([record]),
        (error) => ownProblems.push(`copying Sales' verdicts failed: ${error.message}`),
      );
      const driven = await driveReturns(model, requests, {
        checker,
        concurrency: context.sizes.concurrency,
        answerTimeoutMs: timeoutMs,
        report: context.progress,
      }).done;
      const first = await settleModel(model, 60_000);
      await tail.stop();
      const copiedAtOnce = copier.appended();

      // Every verdict once more, now that each team has acted on it long ago.
      const late: LogRecord[] = [];
      await model.deployment.eventLog.readToEnd([copier.topic], (record) => {
        late.push(record);
      });
      const distinct = [...new Map(late.map((record) => [record.value?.toString('base64'), record])).values()];
      await model.deployment.eventLog.append(
        copier.topic,
        distinct.map((record) => ({ key: record.key, value: record.value })),
      );
      context.progress(`${model.label}: ${copiedAtOnce} verdicts copied at once, ${distinct.length} once more late`);
      const second = await settleModel(model, 60_000);

      const check = checker.check(await faultEffects(model));
      const verdicts = copier.verdicts();
      if (verdicts < requests.length) {
        ownProblems.push(`only ${verdicts} of ${requests.length} verdicts were seen on Sales' topic to copy`);
      }
      // Every copy is a copy of Sales' own event: what the readers must fold once.
      if (check.figures.copies < copiedAtOnce + distinct.length) {
        ownProblems.push(
          `${copiedAtOnce + distinct.length} verdicts were copied, yet only ${check.figures.copies} copies are stored`,
        );
      }
      return judge(
        {
          id: this.id,
          title: this.title,
          model: this.model,
          returns: requests.length,
          faults: `${copiedAtOnce} verdicts appended again at once, ${distinct.length} again after settling`,
          recovery: 'n/a',
          details: { copiedAtOnce, copiedLate: distinct.length, verdicts },
          ownProblems: [...ownProblems, ...first.problems, ...second.problems],
        },
        check,
        driven,
        startedAt,
      );
    });
  },
};
