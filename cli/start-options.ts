// The options the start scripts and `npm start` share, parsed and described the same way, so the two models are
// driven identically and every help text says the same about requests, settings and exit codes.
import { parseCommandLine, UsageError } from './command-line';

export interface StartOptions {
  readonly requests: string | undefined;
  readonly json: boolean;
  readonly variant: 'sequential' | 'parallel';
  readonly concurrency: number;
  readonly audit: string | undefined;
  readonly help: boolean;
}

// Which of the optional options a command takes: --json for the start scripts, --audit for `npm start`.
export interface StartCommand {
  readonly json?: boolean;
  readonly audit?: boolean;
}

const MAX_CONCURRENCY = 100;

export const REQUEST_OPTIONS_HELP = `  --requests FILE  a JSON array of RefundRequests, or - for stdin (default: the built-in sample returns)
  --concurrency N  returns in flight at once, 1 to ${MAX_CONCURRENCY} (default 1: each after the one before). Returns that
                   depend on each other (the same order, the last units of a model) still go one after another`;

export const START_EXIT_CODES = `Exit codes:
  0        every request was processed
  1        a request was rejected, a step failed or a server failed
  2        a usage error or a bad setting (the message names it)
  130, 143 stopped by Ctrl-C (SIGINT) or SIGTERM: it says what was submitted, and a rerun in the same
           RETURNS_SCOPE goes on where it stopped`;

export const PROGRESS_HELP =
  'A run longer than a few seconds reports its progress on stderr: requests done of the total, rate, time left.';

export function parseStartOptions(
  argv: readonly string[],
  usage: string,
  command: StartCommand = { json: true },
): StartOptions {
  const { help, values } = parseCommandLine(
    argv,
    {
      requests: { type: 'string' },
      variant: { type: 'string', default: 'parallel' },
      concurrency: { type: 'string', default: '1' },
      ...(command.json ? { json: { type: 'boolean', default: false } as const } : {}),
      ...(command.audit ? { audit: { type: 'string' } as const } : {}),
    },
    usage,
  );
  const {
    variant,
    concurrency: concurrencyText,
    json,
    audit,
  } = values as typeof values & { json?: boolean; audit?: string };
  if (variant !== 'sequential' && variant !== 'parallel') {
    throw new UsageError(`--variant must be sequential or parallel, got "${variant}"`, usage);
  }
  const concurrency = /^\d{1,3}$/.test(concurrencyText) ? Number(concurrencyText) : Number.NaN;
  if (!(concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    throw new UsageError(
      `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got "${concurrencyText}"`,
      usage,
    );
  }
  return { requests: values.requests, json: json ?? false, variant, concurrency, audit, help };
}
