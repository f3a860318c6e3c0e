// Watches the broker while returns are awaited, so a wait never goes silent when Kafka is gone: it says once that
// Kafka does not answer, once that it answers again, and fails the waits with what to do if it stays away.
import { kafkaAnswers } from './event-log';
import { EventLogUnavailableError } from './event-log';

export class KafkaGoneError extends EventLogUnavailableError {
  constructor(brokers: readonly string[], downForMs: number) {
    super(brokers, new Error(`no answer for ${Math.round(downForMs / 1000)} s`));
    this.message =
      `Kafka at ${brokers.join(',')} has not answered for ${Math.round(downForMs / 1000)} s, so the returns in flight ` +
      'cannot finish. Start it (npm run stack:up), then run the same command again in the same RETURNS_SCOPE: the ' +
      'teams recognise what they already answered and add nothing twice.';
  }
}

export interface BrokerWatchOptions {
  readonly brokers: readonly string[];
  readonly say: (line: string) => void;
  // Fail every wait when the broker has not answered for this long; null waits for it forever.
  readonly giveUpAfterMs: number | null;
  readonly onGiveUp: (error: KafkaGoneError) => void;
  readonly everyMs?: number;
}

export interface BrokerWatch {
  // Whether anything is awaited now: the broker is asked only then.
  awaiting(busy: boolean): void;
  // True from the moment the broker was found not answering until it answers again.
  isDown(): boolean;
  // An error thrown while the broker does not answer, as one that says so (and how to go on); others unchanged.
  explain(error: unknown): Promise<unknown>;
  stop(): void;
}

// One unanswered probe on a busy machine is no outage: the broker counts as down after this many in a row.
const PROBES_TO_DOWN = 2;

export function watchBroker(options: BrokerWatchOptions): BrokerWatch {
  const everyMs = options.everyMs ?? 5_000;
  const where = `Kafka at ${options.brokers.join(',')}`;
  let busy = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let unanswered = 0;
  let downSince: number | null = null;

  const answers = () => kafkaAnswers([...options.brokers]);

  async function probe(): Promise<void> {
    timer = undefined;
    if (stopped || !busy) return;
    const up = await answers();
    if (stopped) return;
    if (up) {
      if (downSince !== null) options.say(`${where} answers again; the returns in flight go on`);
      unanswered = 0;
      downSince = null;
    } else if (++unanswered === PROBES_TO_DOWN) {
      downSince = Date.now() - everyMs * (PROBES_TO_DOWN - 1);
      const limit =
        options.giveUpAfterMs === null ? '' : ` (waiting up to ${Math.round(options.giveUpAfterMs / 1000)} s)`;
      options.say(`${where} does not answer; the returns in flight continue when it is back${limit}`);
    } else if (downSince !== null && options.giveUpAfterMs !== null && Date.now() - downSince > options.giveUpAfterMs) {
      options.onGiveUp(new KafkaGoneError(options.brokers, Date.now() - downSince));
      downSince = Date.now();
    }
    schedule();
  }

  function schedule(): void {
    if (stopped || !busy || timer !== undefined) return;
    timer = setTimeout(() => void probe(), everyMs);
    // The watch only reports; it never keeps a process alive on its own.
    timer.unref();
  }

  return {
    awaiting(nowBusy) {
      busy = nowBusy;
      if (busy) schedule();
      // Nothing awaited: nothing to report, so what is known of the broker is forgotten until the next wait.
      if (!busy) {
        unanswered = 0;
        downSince = null;
      }
    },
    isDown: () => downSince !== null,
    async explain(error) {
      // Only the client's own errors (kafkajs names them KafkaJS…) can mean the broker is gone; an invalid request
      // is not worth a probe.
      if (!(error instanceof Error) || !error.name.startsWith('KafkaJS') || (await answers())) return error;
      return new EventLogUnavailableError(options.brokers, error);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
