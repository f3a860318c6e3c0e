// Small process helpers for the local stack: detached servers with pid files, port probes, tool checks.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ActionableError } from '../cli/actionable-error';

export class StackError extends ActionableError {}

export type Log = (line: string) => void;

export function splitAddress(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(':');
  return { host: address.slice(0, separator), port: Number(address.slice(separator + 1)) };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// True when something accepts TCP connections there, whatever it is.
export function portAcceptsConnections(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function whichCommand(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

export interface DetachedServer {
  readonly name: string;
  readonly pidFile: string;
  readonly logFile: string;
}

// Detached so the server outlives `stack:up`; its output goes to a log file the user can read.
export function startDetached(server: DetachedServer, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): number {
  mkdirSync(path.dirname(server.logFile), { recursive: true });
  mkdirSync(path.dirname(server.pidFile), { recursive: true });
  const logFd = openSync(server.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  if (child.pid === undefined) throw new StackError(`Could not start ${server.name}: ${command} did not spawn`);
  child.unref();
  writeFileSync(server.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function readPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0 until its parent reaps it, but it serves nothing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

// A recorded pid may have been reused by an unrelated process after a reboot: check its command line first.
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

export function recordedServerPid(server: DetachedServer, commandMarker: string): number | null {
  const pid = readPid(server.pidFile);
  if (pid === null || !isAlive(pid)) return null;
  return commandLineOf(pid).includes(commandMarker) ? pid : null;
}

export async function stopRecordedServer(server: DetachedServer, commandMarker: string, log: Log, graceMs = 20_000): Promise<boolean> {
  const pid = recordedServerPid(server, commandMarker);
  if (pid === null) {
    rmSync(server.pidFile, { force: true });
    return false;
  }
  log(`stopping ${server.name} (pid ${pid})`);
  // The servers run in their own process group (detached), so this reaches any child they started too.
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (isAlive(pid)) {
    log(`${server.name} did not stop within ${graceMs / 1000}s; killing it`);
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(50);
  }
  rmSync(server.pidFile, { force: true });
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export function tailOfFile(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log written)';
  const content = readFileSync(file, 'utf8').trimEnd().split('\n');
  return content.slice(-lines).join('\n');
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
