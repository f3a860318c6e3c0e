// The options both start scripts share, parsed the same way so the two models are driven identically.
import { parseArgs } from 'node:util';
import { ActionableError } from './actionable-error';

export interface StartOptions {
  readonly requests: string | undefined;
  readonly json: boolean;
  readonly variant: 'sequential' | 'parallel';
  readonly help: boolean;
}

export class UsageError extends ActionableError {
  constructor(message: string) {
    super(message, 2);
  }
}

export function parseStartOptions(argv: readonly string[], usage: string): StartOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        requests: { type: 'string' },
        json: { type: 'boolean', default: false },
        variant: { type: 'string', default: 'parallel' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
  const { requests, json, variant, help } = parsed.values;
  if (variant !== 'sequential' && variant !== 'parallel') {
    throw new UsageError(`--variant must be sequential or parallel, got "${variant}"\n\n${usage}`);
  }
  return { requests, json: json ?? false, variant, help: help ?? false };
}
