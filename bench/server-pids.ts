// Which processes are the Kafka broker and the Temporal server, so their CPU time is measured too: the pid the
// local stack recorded when it started them, else whichever process listens on the configured port.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Config } from '../config';
import { KAFKA_MAIN_CLASS, kafkaServer } from '../stack/kafka-server';
import { recordedServerPid, splitAddress } from '../stack/processes';
import { TEMPORAL_COMMAND_MARKER, temporalServer } from '../stack/temporal-server';

export type ServerName = 'kafka-server' | 'temporal-server';

export interface ServerProcess {
  readonly role: ServerName;
  readonly pid: number | null;
  readonly source: 'stack pid file' | 'listening port' | 'unknown';
}

export function findServerProcesses(config: Config): ServerProcess[] {
  return [
    find(
      'kafka-server',
      recordedServerPid(kafkaServer(config.stackDir), KAFKA_MAIN_CLASS, config.kafkaBrokers[0]),
      splitAddress(config.kafkaBrokers[0]),
    ),
    find(
      'temporal-server',
      recordedServerPid(temporalServer(config.stackDir), TEMPORAL_COMMAND_MARKER, config.temporalAddress),
      splitAddress(config.temporalAddress),
    ),
  ];
}

function find(role: ServerName, recorded: number | null, address: { host: string; port: number }): ServerProcess {
  // The recorded server counts only if it is the one on the configured port (another stack may run elsewhere).
  const listening = listeningPid(address.port);
  if (recorded !== null && (listening === null || listening === recorded))
    return { role, pid: recorded, source: 'stack pid file' };
  if (listening !== null) return { role, pid: listening, source: 'listening port' };
  return { role, pid: null, source: 'unknown' };
}

// The process holding a listening TCP socket on the port, from /proc/net/tcp{,6} and each process's fds; null
// when there is none, or it belongs to another user or another container.
export function listeningPid(port: number): number | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = Number.parseInt(fields[1].split(':')[1] ?? '', 16);
      // State 0A is LISTEN.
      if (localPort === port && fields[3] === '0A') inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return Number(pid);
      } catch {
        // The fd closed while it was read.
      }
    }
  }
  return null;
}
