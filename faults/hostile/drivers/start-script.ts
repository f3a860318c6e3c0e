// Driver for the start scripts' --requests: runs `npm run <script> -- --requests FILE` as a user would, and reads
// back what the script answered: its exit code, what it printed about each request, and the outcomes it printed.
import { spawn } from 'node:child_process';
import { type Config, configEnv } from '../../../config';
import type { ReturnOutcome } from '../../../domain';
import { CHILD_NODE_ENV, PROJECT_ROOT, trackChild } from '../../../model/supervisor';
import type { StartScript } from '../entry-points';

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function runStartScript(script: StartScript, args: readonly string[], config: Config): Promise<ScriptRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // --silent: npm prints nothing of its own, so stdout is exactly what the script wrote.
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...configEnv(config), ...CHILD_NODE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own (npm, its shell, node), so that it can be killed whole.
      detached: true,
    });
    trackChild(child, { group: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

// What the start script printed about request `index` of the file: "request 3 in FILE was not submitted: - …".
export function rejectionOf(stderr: string, index: number): string | null {
  const match = new RegExp(`request ${index} in \\S+ was not submitted:\\n((?:  - .*\\n?)+)`).exec(stderr);
  return match ? match[1].replace(/\n {2}- /g, '; ').replace(/^ {2}- /, '') : null;
}

// A clear error names the problem; a stack trace ("    at …") means the script fell over instead.
export function isClearError(stderr: string): boolean {
  return stderr.trim().length > 0 && !/\n\s+at .+:\d+:\d+\)?/.test(stderr);
}

// With --json, one outcome per line on stdout.
export function outcomesPrinted(stdout: string): ReturnOutcome[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as ReturnOutcome);
}
