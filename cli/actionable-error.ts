// An error a person can act on: its message says what is wrong and how to fix it. Entry points print the message
// alone and exit with its code; any other error is a bug, and only then is a stack trace worth printing.
export class ActionableError extends Error {
  constructor(
    message: string,
    // 2 when the command line or a setting is wrong (a usage error), 1 when something it needs failed.
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
