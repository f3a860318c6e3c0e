// How every command of the project ends: with one clear message and an exit code, never a hang and never a stack
// trace for something a person can fix. Each entry point hands its main function to runEntryPoint.
import { loadOutputSettings } from '../config';
import { ActionableError } from './actionable-error';

export interface EntryPoint {
  // What the first Ctrl-C or SIGTERM does: stop gently (finish or hand back the work in hand, say what was done).
  // Stops run one after another, the last registered first, as resources are released in the reverse order of
  // their making. Together they get a few seconds; a second signal, or the end of that time, ends the process at
  // once. A signal before any stop is registered (early in start-up) ends the process at once.
  onStop(stop: (signal: NodeJS.Signals) => Promise<void> | void): () => void;
  // True from the first signal on: a loop checks it to start nothing new.
  readonly stopping: boolean;
}

export interface EntryPointOptions {
  // A serving process (a team's worker or subscriber) ends by a signal as its normal end: after a clean stop it
  // exits with this code (0, as its supervisor expects) instead of the signal's.
  readonly exitCodeAfterCleanStop?: number;
}

// Long enough to close a deployment's workers and consumers, short enough that a signal still ends the command.
const STOP_GRACE_MS = 8_000;
const EXIT_CODE_OF_SIGNAL: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
// npm does not pass a SIGTERM on to the script: its shell dies and leaves the script running, orphaned. A script
// whose parent is gone stops as if it had been sent SIGTERM itself.
const PARENT_CHECK_MS = 1_000;

const { debug } = loadOutputSettings();

export function runEntryPoint(main: (entry: EntryPoint) => Promise<number>, options: EntryPointOptions = {}): void {
  const stops: ((signal: NodeJS.Signals) => Promise<void> | void)[] = [];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = EXIT_CODE_OF_SIGNAL[signal] ?? 1;
    if (stopping) {
      process.stderr.write(`${signal}: stopping at once\n`);
      exitNow(code);
      return;
    }
    stopping = true;
    if (stops.length === 0) {
      process.stderr.write(`${signal}: stopped\n`);
      exitNow(code);
      return;
    }
    process.stderr.write(`${signal}: stopping (press Ctrl-C again to stop at once)\n`);
    setTimeout(() => {
      process.stderr.write(`still stopping after ${STOP_GRACE_MS / 1000}s; stopping at once\n`);
      exitNow(code);
    }, STOP_GRACE_MS).unref();
    void runStops(stops, signal).then((clean) => exitNow(clean ? (options.exitCodeAfterCleanStop ?? code) : code));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  watchParent(() => {
    if (stopping) return;
    process.stderr.write('the command that started this one has ended\n');
    onSignal('SIGTERM');
  });
  // A stray rejection or exception (a client library's timer, say) ends the command the same way as a failed main.
  const onStray = (error: unknown) => {
    if (stopping) return;
    process.stderr.write(`${describeFailure(error)}\n`);
    exitNow(exitCodeOf(error));
  };
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);

  const entry: EntryPoint = {
    onStop(stop) {
      stops.push(stop);
      return () => {
        const index = stops.indexOf(stop);
        if (index >= 0) stops.splice(index, 1);
      };
    },
    get stopping() {
      return stopping;
    },
  };
  // Once stopping, what main does next (a submission cut short by the closing deployment) is no failure: the
  // stop handlers report what was done, and the exit code is the signal's.
  main(entry).then(
    (code) => {
      if (!stopping) exitNow(code);
    },
    (error: unknown) => {
      if (stopping) return;
      process.stderr.write(`${describeFailure(error)}\n`);
      exitNow(exitCodeOf(error));
    },
  );
}

// True when every stop finished without an error.
async function runStops(
  stops: readonly ((signal: NodeJS.Signals) => Promise<void> | void)[],
  signal: NodeJS.Signals,
): Promise<boolean> {
  let clean = true;
  for (const stop of [...stops].reverse()) {
    try {
      await stop(signal);
    } catch (error) {
      clean = false;
      process.stderr.write(`could not stop cleanly: ${describeFailure(error)}\n`);
    }
  }
  return clean;
}

function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  // Started by no one in particular (pid 1 in a container): nothing to watch.
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, PARENT_CHECK_MS);
  timer.unref();
}

let exiting = false;

// Exit explicitly: the Temporal runtime, a kafkajs reconnect timer or a half-opened store can otherwise keep a
// process alive after its work failed. Output already written is flushed first.
function exitNow(code: number): void {
  if (exiting) return;
  exiting = true;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  // Should a stream never drain (a closed pipe), the exit still comes.
  setTimeout(() => process.exit(code), 1_000).unref();
}

function exitCodeOf(error: unknown): number {
  if (error instanceof ActionableError) return error.exitCode;
  // A namespace the server lacks is a bad TEMPORAL_NAMESPACE, as the stack reports it at start-up.
  if (isUsageMistake(error) || (error instanceof Error && missingNamespaceOf(error) !== undefined)) return 2;
  return 1;
}

// The one line (or few) a person reads when a command fails.
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `failed: ${String(error)}`;
  const trace = debug ? `\n${error.stack ?? ''}` : '';
  if (error instanceof ActionableError || isUsageMistake(error)) return `${error.message}${trace}`;
  const platform = describePlatformFailure(error);
  if (platform) return `${platform}${debug ? trace : '\n(set RETURNS_DEBUG=1 for the full error)'}`;
  return `failed unexpectedly: ${error.stack ?? error.message}`;
}

function isUsageMistake(error: unknown): boolean {
  // node:util parseArgs throws these for an unknown option or a missing value.
  return String((error as NodeJS.ErrnoException)?.code ?? '').startsWith('ERR_PARSE_ARGS');
}

// Errors of the servers' clients that mean "a server did not answer", not a bug of ours.
function describePlatformFailure(error: Error): string | null {
  // kafkajs also throws plain Errors ("Broker not connected"); where they come from tells them apart from ours.
  if (error.name.startsWith('KafkaJS') || raisedInside(error, 'kafkajs')) {
    return (
      `Kafka did not answer as expected: ${error.message}. Check that the broker runs (npm run stack:status) and ` +
      'that KAFKA_BROKERS names it; a rerun in the same RETURNS_SCOPE resumes where this one stopped.'
    );
  }
  const namespace = missingNamespaceOf(error);
  if (namespace !== undefined) {
    return (
      `Temporal has no namespace ${namespace ?? '(see below)'}: set TEMPORAL_NAMESPACE to one the server has, or create it ` +
      `(temporal operator namespace create --namespace ${namespace ?? '<name>'}).${namespace ? '' : `\n${error.message}`}`
    );
  }
  const grpcCode = (error as { code?: unknown }).code;
  if (
    error.name === 'ServiceError' ||
    error.name === 'TransportError' ||
    (typeof grpcCode === 'number' && grpcCode === 14)
  ) {
    return (
      `Temporal did not answer as expected: ${error.message}. Check that the server runs (npm run stack:status) and ` +
      'that TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE name it; a rerun in the same RETURNS_SCOPE resumes where this one stopped.'
    );
  }
  return null;
}

// The namespace a Temporal error says is missing (null when it does not name it), or undefined for any other error:
// the client's own NamespaceNotFoundError, or a worker's native error, whose message carries the gRPC status.
function missingNamespaceOf(error: Error): string | null | undefined {
  const named = /Namespace (\S+) (?:is|was) not found/.exec(error.message)?.[1];
  if (named !== undefined) return named;
  return error.name === 'NamespaceNotFoundError' ? null : undefined;
}

function raisedInside(error: Error, dependency: string): boolean {
  const firstFrame = (error.stack ?? '').split('\n').find((line) => line.trimStart().startsWith('at '));
  return firstFrame?.includes(`/node_modules/${dependency}/`) ?? false;
}
