// The event-sourced model under load, through its door (event-sourced/model.ts). The driver is User Support's
// publisher, which batches the requests due in one turn of the event loop; a return is done when the model's live
// projection has seen each team's event. The teams run as event-sourced/run-team.ts processes.
import { connectEventLog } from '../../event-sourced/event-log';
import { type EventSourcedModel, openEventSourcedModel } from '../../event-sourced/model';
import { topicSpecs } from '../../event-sourced/topics';
import type { BenchContext } from '../context';
import { asProcessesOf, restartChild, trackedSubject, watchProcesses } from './processes';
import { ReturnTracker } from './return-tracker';
import type { Subject, SubjectGroup, Verification } from './subject';
import { verificationOf } from './verification';

// What a team says once it has folded its topics: the count is kept as the outage's "rebuilt from" figure.
const REBUILT_FROM = /ready: state rebuilt from (\d+) events/;

// keepTopics: leave the run's topics on the broker for a look afterwards; by default they go when the group closes.
export async function startChoreography(context: BenchContext, keepTopics = false): Promise<SubjectGroup> {
  const { config, workload } = context;
  const model = await openEventSourcedModel(config, {
    log: (line) => context.log(`driver ${line}`),
    asProcesses: asProcessesOf(context, REBUILT_FROM),
  });
  const supervisor = model.processes;
  if (!supervisor) throw new Error('the event-sourced model was opened without its team processes');
  const processes = watchProcesses(supervisor, context, 'kafka-server');
  const tracker = new ReturnTracker(workload.indexOf);

  const submit: Subject['submit'] = (index, onTeam) => {
    const request = workload.request(index);
    const { returnId } = request;
    const done = tracker.expect(index, returnId, onTeam);
    const failed = (error: unknown) => tracker.fail(returnId, error as Error);
    model.accept(request).catch(failed);
    model
      .outcome(returnId, { onTeamRecord: (team) => tracker.teamAnswered(returnId, team) })
      .then(() => tracker.complete(returnId), failed);
    return done;
  };

  const subject: Subject = {
    name: 'choreography',
    kind: 'implementation',
    label: 'Choreography (event-sourced, Kafka API)',
    completionSignal: 'the driver has seen an event of each of the four teams on their topics',
    returnId: workload.returnId,
    ...trackedSubject(tracker, processes, true),
    submit,
    killTeam: (team) => model.killTeam(team),
    restartTeam: (team) => restartChild(supervisor.process(team), () => model.startTeam(team)),
    verify: () => verify(model, tracker, workload.returnId),
  };

  return {
    subjects: [subject],
    async close() {
      await model.close();
      if (!keepTopics)
        await deleteTopics(context).catch((error: unknown) =>
          context.log(`could not delete the run's topics: ${(error as Error).message}`),
        );
    },
  };
}

async function verify(
  model: EventSourcedModel,
  tracker: ReturnTracker,
  returnIdOf: (index: number) => string,
): Promise<Verification> {
  const accepted = [...tracker.indexesIn('completed'), ...tracker.indexesIn('sent')].map(returnIdOf);
  const effects = await model.effects();
  let deadLetters = 0;
  await model.deployment.eventLog.readToEnd([model.deployment.topics.deadLetter], () => {
    deadLetters += 1;
  });
  return verificationOf(
    'team topics read to the end, decisions per return and team (identical copies counted as duplicates)',
    accepted,
    effects,
    deadLetters,
  );
}

// Once the model is closed: a connection of its own, for the topics only.
async function deleteTopics(context: BenchContext): Promise<void> {
  const { config } = context;
  const log = await connectEventLog({
    brokers: config.kafkaBrokers,
    clientId: `${config.scope}.bench.cleanup`,
    log: context.log,
  });
  try {
    await log.deleteTopics(topicSpecs(config).map(({ topic }) => topic));
  } finally {
    await log.close();
  }
}
