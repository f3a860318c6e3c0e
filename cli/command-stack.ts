// The servers a command needs, brought up the same way by every command: reused when they answer, started locally
// when none does. A command that starts servers for itself (the benchmark, the fault suite) stops them when it
// ends, however it ends; the start scripts leave them running for the next command.
import type { Config } from '../config';
import { ensureStack, type StackHandle, type StackNeeds } from '../stack/ensure';
import type { EntryPoint } from './entry-point';

export interface CommandStackOptions {
  readonly entry: EntryPoint;
  // The command's own log; every line of the stack's comes with the prefix [stack].
  readonly log: (line: string) => void;
  readonly stopWhenDone: boolean;
}

export async function ensureCommandStack(
  config: Config,
  needs: StackNeeds,
  { entry, log: commandLog, stopWhenDone }: CommandStackOptions,
): Promise<StackHandle> {
  const log = (line: string) => commandLog(`[stack] ${line}`);
  const stack = await ensureStack(config, needs, log);
  if (!stopWhenDone || stack.started.length === 0) return stack;
  let stopping: Promise<void> | undefined;
  // Once, whether the command ends or is stopped by a signal first.
  const stopStarted = () => (stopping ??= stack.stopStarted(log));
  entry.onStop(() => stopStarted());
  return { started: stack.started, stopStarted };
}
