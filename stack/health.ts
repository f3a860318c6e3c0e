// "Healthy" means what the models need: Kafka answers a metadata request; Temporal accepts a client and the
// namespace is ready. An open port alone proves nothing. A wait for health says what it waits for, as it waits.
import { Connection } from '@temporalio/client';
import {
  delay,
  formatSeconds,
  type Log,
  portAcceptsConnections,
  splitAddress,
  StackError,
  tailOfFile,
} from './processes';

// Kafka's probe lives in the event log, the one module that speaks kafkajs.
export { kafkaAnswers, kafkaClusterAnswers } from '../event-sourced/event-log';

// What a probe of Temporal found: nothing listening, a port that does not serve yet, a server without the
// namespace (the dev server creates namespaces only as it starts), or one ready for clients.
export type TemporalState = 'not listening' | 'no answer' | 'no such namespace' | 'ready';

const GRPC_NOT_FOUND = 5;

export async function temporalState(address: string, namespace: string): Promise<TemporalState> {
  // No gRPC while the port is closed: a refused gRPC connection puts the target into reconnect backoff.
  const { host, port } = splitAddress(address);
  if (!(await portAcceptsConnections(host, port))) return 'not listening';
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({
      address,
      connectTimeout: 2000,
      // gRPC shares one connection per target across clients, and with it the reconnect backoff of every earlier
      // refused attempt (up to 2 minutes). Measured with a shared one: a server that opened its port after 60 s of
      // probing was first seen healthy 28 s later. A connection of its own dials at once.
      channelArgs: { 'grpc.use_local_subchannel_pool': 1 },
      // A probe asks once. The client's retry interceptor would retry on a timer, and a timer that fires after the
      // connection is closed throws 'Channel has been shut down' where nothing can catch it.
      interceptors: [],
    });
    const ready = connection;
    // Without a deadline, a call to a server that is still starting can wait forever.
    await ready.withDeadline(Date.now() + 3000, () => ready.workflowService.describeNamespace({ namespace }));
    return 'ready';
  } catch (error) {
    return (error as { code?: number }).code === GRPC_NOT_FOUND ? 'no such namespace' : 'no answer';
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export async function temporalAnswers(address: string, namespace: string): Promise<boolean> {
  return (await temporalState(address, namespace)) === 'ready';
}

export interface HealthWait {
  // The server and what it must do, as a person reads it after "waiting for": "Temporal at 127.0.0.1:7233 to
  // accept a client for namespace default".
  readonly awaited: string;
  readonly limitMs: number;
  readonly answers: () => Promise<boolean>;
  // Where the server's port is, to say whether it is open yet while waiting.
  readonly address: string;
  // Says why waiting longer is pointless (the process exited), or null while the server may still come up.
  readonly givenUp?: () => string | null;
  // The log whose end a failure shows; a function when it depends on which process failed.
  readonly logFile: string | (() => string);
  readonly log: Log;
  readonly progressEveryMs?: number;
}

// Waits until the server answers, saying every ~10 s what it waits for and for how long out of the limit; fails
// with what was awaited, the limit and the end of the server's log. Resolves with the time it took.
export async function waitUntilHealthy(wait: HealthWait): Promise<number> {
  const started = Date.now();
  const every = wait.progressEveryMs ?? 10_000;
  let nextProgress = started + every;
  const { host, port } = splitAddress(wait.address);
  const logFile = () => (typeof wait.logFile === 'string' ? wait.logFile : wait.logFile());
  while (!(await wait.answers())) {
    const reason = wait.givenUp?.() ?? null;
    if (reason !== null)
      throw new StackError(
        `${reason} while waiting for ${wait.awaited}. End of ${logFile()}:\n${tailOfFile(logFile())}`,
      );
    const now = Date.now();
    if (now - started > wait.limitMs) {
      throw new StackError(
        `Gave up waiting for ${wait.awaited} after ${formatSeconds(wait.limitMs)}. A busy machine can make a first ` +
          `start slow: try again when it is quieter. Otherwise the end of ${logFile()} says why:\n${tailOfFile(logFile())}`,
      );
    }
    if (now >= nextProgress) {
      const portState = (await portAcceptsConnections(host, port))
        ? 'its port is open, no answer yet'
        : `port ${port} not open yet`;
      wait.log(
        `still waiting for ${wait.awaited} (${Math.round((now - started) / 1000)} s of ${Math.round(wait.limitMs / 1000)} s; ${portState})`,
      );
      nextProgress = now + every;
    }
    await delay(250);
  }
  return Date.now() - started;
}
