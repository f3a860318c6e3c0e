// The event-sourced model under load, through its door (event-sourced/model.ts), as it is. The driver is User
// Support's publisher, which batches the requests due in one turn of the event loop; a return is done when the
// port's live feed has reported each team's event. The teams run as event-sourced/run-team.ts processes.
import { connectEventLog } from '../../event-sourced/event-log';
import { type EventSourcedModel, openEventSourcedModel } from '../../event-sourced/model';
import { topicSpecs } from '../../event-sourced/topics';
import type { BenchContext } from '../context';
import { asProcessesOf } from './processes';
import { type SubjectGroup, subjectOf } from './subject';

// What a team says once it has folded its topics: the count is kept as the outage's "rebuilt from" figure.
const REBUILT_FROM = /ready: state rebuilt from (\d+) events/;

// keepTopics: leave the run's topics on the broker for a look afterwards; by default they go when the group closes.
export async function startChoreography(context: BenchContext, keepTopics = false): Promise<SubjectGroup> {
  const model = await openEventSourcedModel(context.config, {
    log: (line) => context.log(`driver ${line}`),
    asProcesses: asProcessesOf(context, REBUILT_FROM),
  });
  if (!model.processes) throw new Error('the event-sourced model was opened without its team processes');
  const subject = subjectOf(
    {
      name: 'choreography',
      kind: 'implementation',
      label: 'Choreography (event-sourced, Kafka API)',
      completionSignal: 'the driver has seen the standing event of each team on its topic',
      seesTeams: true,
      verifiedBy: 'team topics read to the end, decisions per return and team (identical copies counted as duplicates)',
      deadLetters: () => deadLetters(model),
    },
    model,
    model.processes,
    context,
    'kafka-server',
  );
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

async function deadLetters(model: EventSourcedModel): Promise<number> {
  let count = 0;
  await model.deployment.eventLog.readToEnd([model.deployment.topics.deadLetter], () => {
    count += 1;
  });
  return count;
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
