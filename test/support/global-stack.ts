// Mocha global fixtures: every integration suite runs against a real Kafka broker, a real Temporal server and a real
// PostgreSQL server. Servers that already answer are reused; servers this run had to start are stopped when it ends.
import { loadConfig } from '../../config';
import { ensureStack, type StackHandle } from '../../stack/ensure';
import { installTemporalRuntime } from '../../traditional/worker';

let stack: StackHandle | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // Workers log every bundle and poll at INFO; tests need only what went wrong.
  installTemporalRuntime();
  // The team stores' suites run on both stores whatever TEAM_STORE says, so PostgreSQL comes up too (at
  // TEAM_DATABASE_URL, started locally when none answers there).
  stack = await ensureStack({ ...loadConfig(), teamStore: 'postgres' }, { kafka: true, temporal: true }, (line) =>
    process.stderr.write(`[stack] ${line}\n`),
  );
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stack?.stopStarted((line) => process.stderr.write(`[stack] ${line}\n`));
}
