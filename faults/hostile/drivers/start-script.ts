// Driver for the start scripts' --requests: runs `npm run <script> -- --requests FILE` as a user would, through the
// project's one script runner, and reads back what the script answered: its exit code, what it printed about each
// request, and the outcomes it printed.
import { type Config, configEnv } from '../../../config';
import type { ReturnOutcome } from '../../../domain';
import { hasStackTrace, runScript, type ScriptRun } from '../../../model/script-process';
import { CHILD_NODE_ENV } from '../../../model/supervisor';
import type { StartScript } from '../entry-points';

export type { ScriptRun };

export function runStartScript(script: StartScript, args: readonly string[], config: Config): Promise<ScriptRun> {
  return runScript(script, args, { ...configEnv(config), ...CHILD_NODE_ENV });
}

// What the start script printed about request `index` of the file: "request 3 in FILE was not submitted: - …".
export function rejectionOf(stderr: string, index: number): string | null {
  const match = new RegExp(`request ${index} in \\S+ was not submitted:\\n((?:  - .*\\n?)+)`).exec(stderr);
  return match ? match[1].replace(/\n {2}- /g, '; ').replace(/^ {2}- /, '') : null;
}

// A clear error names the problem; a stack trace means the script fell over instead.
export function isClearError(stderr: string): boolean {
  return stderr.trim().length > 0 && !hasStackTrace(stderr);
}

// With --json, one outcome per line on stdout.
export function outcomesPrinted(stdout: string): ReturnOutcome[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as ReturnOutcome);
}
