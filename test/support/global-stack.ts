// Mocha global fixtures: every integration suite runs against a real Kafka broker and a real Temporal server.
// Servers that already answer are reused; servers this run had to start are stopped when it ends.
import { loadConfig } from '../../config';
import { ensureStack, type StackHandle } from '../../stack/ensure';
import { installTemporalRuntime } from '../../traditional/worker';

let stack: StackHandle | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // Workers log every bundle and poll at INFO; tests need only what went wrong.
  installTemporalRuntime();
  stack = await ensureStack(loadConfig(), { kafka: true, temporal: true }, (line) =>
    process.stderr.write(`[stack] ${line}\n`),
  );
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stack?.stopStarted((line) => process.stderr.write(`[stack] ${line}\n`));
}
