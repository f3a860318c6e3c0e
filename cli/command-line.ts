// The command line of every command, read one way: strict options, -h/--help always among them, and a mistake
// reported as a usage error (exit code 2) that says what is wrong, then shows the usage.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ActionableError } from './actionable-error';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options, P extends boolean> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: P }>
>;

export interface CommandLine<O extends Options, P extends boolean> {
  // The command prints its usage on stdout and exits 0.
  readonly help: boolean;
  readonly values: Parsed<O, P>['values'];
  readonly positionals: Parsed<O, P>['positionals'];
}

export class UsageError extends ActionableError {
  constructor(message: string, usage: string) {
    super(`${message}\n\n${usage}`, 2);
  }
}

export function parseCommandLine<const O extends Options, P extends boolean = false>(
  argv: readonly string[],
  options: O,
  usage: string,
  { positionals = false as P }: { positionals?: P } = {},
): CommandLine<O, P> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: positionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
  // parseArgs cannot type the values of options it knows only as a type parameter: they are typed by the caller's.
  const { help, ...values } = parsed.values as { help: boolean };
  return { help, values: values as Parsed<O, P>['values'], positionals: parsed.positionals };
}
