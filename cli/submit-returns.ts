// Feeds the returns of one request source to a model: one after another in the source's order (the default), or
// with bounded concurrency while dependent returns keep their order. Only counts are kept: each outcome goes to
// the caller and is dropped, so memory follows the requests in hand, not the number of outcomes.
import { submitInDependencyOrder } from '../compare/submission-order';
import type { RefundRequest } from '../domain';
import { formatRejection, openRequests, type RequestEntry } from './request-input';
import { type SubmissionCounts, SubmissionProgress } from './submission-progress';

// Thrown into a submission once the command is stopping, so that nothing new starts; the stop says what was done.
class SubmissionStopped extends Error {
  constructor() {
    super('stopped before this return was submitted');
  }
}

export interface RunOptions {
  // Returns in flight at once; 1 submits each after the one before has finished.
  readonly concurrency: number;
  readonly stopping: () => boolean;
  // A refusal of one return that the run goes on after (a returnId already used with other content): its message,
  // or null for an error that ends the run.
  readonly refusalOf?: (error: unknown) => string | null;
}

export class ReturnSubmission {
  private submitted = 0;
  private completed = 0;
  private rejected = 0;
  private readAhead: RefundRequest | undefined;
  private progress: SubmissionProgress | undefined;

  private constructor(
    readonly source: string,
    readonly total: number | null,
    private readonly entries: AsyncIterator<RequestEntry>,
    private readonly log: (line: string) => void,
  ) {}

  static async open(requests: string | undefined, log: (line: string) => void): Promise<ReturnSubmission> {
    const source = await openRequests(requests);
    return new ReturnSubmission(source.source, source.total, source[Symbol.asyncIterator](), log);
  }

  // Reads up to the first valid request, reporting the invalid ones before it. False when the source holds none,
  // so that no server is started for nothing.
  async hasValidRequest(): Promise<boolean> {
    this.readAhead ??= await this.nextValid();
    return this.readAhead !== undefined;
  }

  get rejectedCount(): number {
    return this.rejected;
  }

  counts(): SubmissionCounts {
    return { total: this.total, submitted: this.submitted, completed: this.completed, rejected: this.rejected };
  }

  async run<T>(
    submit: (request: RefundRequest) => Promise<T>,
    onOutcome: (request: RefundRequest, outcome: T) => void,
    { concurrency, stopping, refusalOf = () => null }: RunOptions,
  ): Promise<void> {
    this.progress = new SubmissionProgress(() => this.counts(), { log: this.log }).start();
    const submitOne = async (request: RefundRequest): Promise<undefined> => {
      if (stopping()) throw new SubmissionStopped();
      this.submitted++;
      let outcome: T;
      try {
        outcome = await submit(request);
      } catch (error) {
        const refusal = refusalOf(error);
        if (refusal === null) throw error;
        this.submitted--;
        this.rejected++;
        this.log(refusal);
        return undefined;
      }
      this.completed++;
      onOutcome(request, outcome);
      // Nothing is kept of the outcome once it is reported.
      return undefined;
    };
    try {
      if (concurrency === 1) {
        // Each finished before the next: a later return may depend on an earlier one (the same order refunded
        // twice, the last unit of a model), and this needs only the request in hand.
        for (let request = await this.takeValid(); request; request = await this.takeValid()) await submitOne(request);
      } else {
        // Which returns depend on which is a property of the whole batch (a model is scarce when the batch asks
        // for more than its stock), so the requests are held; the schedule is the parity suite's.
        const requests: RefundRequest[] = [];
        for (let request = await this.takeValid(); request; request = await this.takeValid()) requests.push(request);
        await submitInDependencyOrder(requests, submitOne, { concurrency });
      }
    } finally {
      this.progress.finish();
    }
  }

  // What a person reads after Ctrl-C: what was done, and that running again goes on where this run stopped.
  stoppedSummary(scope: string): string {
    this.progress?.stop();
    const { total, submitted, completed, rejected } = this.counts();
    const inFlight = submitted - completed;
    return (
      `Stopped: ${submitted}${total === null ? '' : ` of ${total}`} requests submitted, ${completed} completed` +
      `${inFlight > 0 ? `, ${inFlight} in flight` : ''}${rejected > 0 ? `, ${rejected} rejected` : ''}.\n` +
      `Run the same command again with RETURNS_SCOPE=${scope} to go on: both models know a return by its returnId, so ` +
      'a completed one is not decided again, one in flight is finished, and the rest are submitted.'
    );
  }

  private async takeValid(): Promise<RefundRequest | undefined> {
    const request = this.readAhead ?? (await this.nextValid());
    this.readAhead = undefined;
    return request;
  }

  private async nextValid(): Promise<RefundRequest | undefined> {
    for (;;) {
      const next = await this.entries.next();
      if (next.done) return undefined;
      const entry = next.value;
      if (entry.ok) return entry.request;
      this.rejected++;
      this.log(formatRejection(this.source, entry));
    }
  }
}
