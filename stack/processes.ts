// Small process helpers for the local stack: detached servers with pid files, port probes, tool checks.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ActionableError } from '../cli/actionable-error';
import { makeDirectory } from '../cli/make-directory';

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
  // Beside the pid file: the address the server was started on, so no other address is ever taken for it.
  readonly addressFile: string;
  readonly logFile: string;
  // The setting that names its address, for messages: KAFKA_BROKERS or TEMPORAL_ADDRESS.
  readonly addressSetting: string;
  // For a server started before addresses were recorded: its address, read from its own command line.
  readonly addressFromCommandLine?: (commandLine: readonly string[]) => string | null;
  // The signal that asks it to stop cleanly, when SIGTERM does not.
  readonly stopSignal?: NodeJS.Signals;
}

// Detached so the server outlives `stack:up`; its output goes to a log file the user can read.
export function startDetached(
  server: DetachedServer,
  command: string,
  args: string[],
  options: { cwd: string; address: string; commandMarker: string; env?: NodeJS.ProcessEnv },
): number {
  // Never two servers on one folder's data. Callers refuse before they write anything (refuseSecondServer);
  // this is the last line, so a pid file of a live server is never overwritten.
  const running = serverOfFolder(server, options.commandMarker);
  if (running)
    throw new StackError(
      `${server.name} (pid ${running.pid}) is already running from this folder; not starting another`,
    );
  makeDirectory(path.dirname(server.logFile), 'STACK_DIR');
  makeDirectory(path.dirname(server.pidFile), 'STACK_DIR');
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
  // The address first: whoever finds the pid finds the address it belongs to.
  writeFileSync(server.addressFile, `${options.address}\n`);
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

function argumentsOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
  } catch {
    return [];
  }
}

export interface RecordedServer {
  readonly pid: number;
  // Where it was started; null when neither the address file nor its command line tells.
  readonly address: string | null;
}

// The live server this folder started, on whatever address.
export function serverOfFolder(server: DetachedServer, commandMarker: string): RecordedServer | null {
  const pid = readPid(server.pidFile);
  if (pid === null || !isAlive(pid)) return null;
  const commandLine = commandLineOf(pid);
  if (!commandLine.includes(commandMarker)) return null;
  const recorded = existsSync(server.addressFile) ? readFileSync(server.addressFile, 'utf8').trim() : '';
  const address = recorded !== '' ? recorded : (server.addressFromCommandLine?.(argumentsOf(pid)) ?? null);
  return { pid, address };
}

// The pid of the live server this folder started. With an address, only a server started on that address: a
// check of "is the server at KAFKA_BROKERS ours?" must never answer with the folder's broker on another port.
export function recordedServerPid(server: DetachedServer, commandMarker: string, startedOn?: string): number | null {
  const running = serverOfFolder(server, commandMarker);
  if (running === null) return null;
  return startedOn === undefined || running.address === startedOn ? running.pid : null;
}

// Throws when the folder's server runs on another address than the one asked for, before anything is written:
// a second server would take over the pid file and the settings, then fail on the data directory's lock, and
// leave the first one running with nothing that can stop it. Returns the folder's server on that very address.
export function refuseSecondServer(
  server: DetachedServer,
  commandMarker: string,
  address: string,
  stackDir: string,
): RecordedServer | null {
  const running = serverOfFolder(server, commandMarker);
  if (running === null || running.address === address) return running;
  const where = running.address ?? 'an address it did not record';
  const setting = server.addressSetting;
  const useIt = running.address !== null ? `  Use it: ${setting}=${running.address}\n` : '';
  const stopIt =
    running.address !== null
      ? `STACK_DIR=${stackDir} ${setting}=${running.address} npm run stack:down`
      : `kill ${running.pid}`;
  throw new StackError(
    `${server.name} cannot start on ${address} from ${stackDir}: the ${server.name} server started from that folder is ` +
      `running (pid ${running.pid}, on ${where}), and two servers cannot share one folder's data. Nothing was changed.\n` +
      useIt +
      `  Or stop it first: ${stopIt}\n` +
      `  Or give the new one a folder of its own: STACK_DIR=/some/other/folder ${setting}=${address}`,
  );
}

export async function stopRecordedServer(
  server: DetachedServer,
  commandMarker: string,
  log: Log,
  graceMs = 20_000,
): Promise<boolean> {
  const pid = recordedServerPid(server, commandMarker);
  if (pid === null) {
    rmSync(server.pidFile, { force: true });
    rmSync(server.addressFile, { force: true });
    return false;
  }
  log(`stopping ${server.name} (pid ${pid})`);
  // The servers run in their own process group (detached), so this reaches any child they started too.
  signalGroup(pid, server.stopSignal ?? 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (isAlive(pid)) {
    log(`${server.name} did not stop within ${graceMs / 1000}s; killing it`);
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(50);
  }
  rmSync(server.pidFile, { force: true });
  rmSync(server.addressFile, { force: true });
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
