// A stack of a suite's own: its own folder and free ports, so its servers can be started, refused and killed
// without touching the servers the other suites share. Jars and the Temporal binary are reused from the main
// stack folder, so this adds no download or build.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../config';
import { waitFor } from '../../model/wait-for';
import { type ServerName, serversOfStack, stopServers } from '../../stack/ensure';
import { isAlive, serverOfFolder } from '../../stack/processes';
import { clusterNode, KAFKA_MAIN_CLASS, kafkaVersion } from '../../stack/kafka-server';
import { builtTemporalBinary } from '../../stack/temporal-server';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// A port p with p + offset free too: Kafka puts its controller on p + 1, Temporal its UI on p + 1000. The start
// is drawn at random within the range, so two runs on one machine seldom reach for the same port.
export async function freePortPair(offset: number, from: number): Promise<number> {
  return freePortWith([offset], from);
}

// A port p with p + each offset free too: a local cluster of three takes p to p + 5.
export async function freePortWith(offsets: readonly number[], from: number): Promise<number> {
  const first = from + 7 * Math.floor(Math.random() * 100);
  for (let port = first; port < first + 2000; port += 7) {
    let free = await portIsFree(port);
    for (const offset of offsets) free = free && (await portIsFree(port + offset));
    if (free) return port;
  }
  throw new Error(`no free ports at offsets ${offsets.join(', ')} from ${first}`);
}

export interface OwnStack {
  readonly dir: string;
  // STACK_DIR, KAFKA_BROKERS, TEMPORAL_ADDRESS, DATA_DIR (and TEMPORAL_BIN) for the npm scripts.
  readonly env: NodeJS.ProcessEnv;
  // The same settings as a Config, for calls in this process.
  readonly config: Config;
  // Stops whatever this folder started, then removes the folder.
  remove(): Promise<void>;
}

// Ports from kafkaFrom and temporalFrom: each suite takes a range of its own. KAFKA_BROKERS names one port;
// with kafkaBrokers: 3 the five above it are free too, for the cluster config.ts derives from it.
export async function prepareOwnStack(
  label: string,
  ports: { kafkaFrom: number; temporalFrom: number; kafkaBrokers?: number },
): Promise<OwnStack> {
  const kafkaOffsets = Array.from({ length: 2 * (ports.kafkaBrokers ?? 1) - 1 }, (_, index) => index + 1);
  const main = loadConfig();
  const dir = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  const libs = path.join(main.stackDir, 'kafka', `libs-${kafkaVersion()}`);
  assert.ok(existsSync(path.join(libs, '.complete')), `the main stack's Kafka jars are missing in ${libs}`);
  cpSync(libs, path.join(dir, 'kafka', `libs-${kafkaVersion()}`), { recursive: true });
  const temporalBinary = main.temporalBinary ?? builtTemporalBinary(main.stackDir);
  const env: NodeJS.ProcessEnv = {
    STACK_DIR: dir,
    DATA_DIR: path.join(dir, 'data'),
    KAFKA_BROKERS: `127.0.0.1:${await freePortWith(kafkaOffsets, ports.kafkaFrom)}`,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePortPair(1000, ports.temporalFrom)}`,
    ...(existsSync(temporalBinary) ? { TEMPORAL_BIN: temporalBinary } : {}),
  };
  const config = loadConfig({ ...process.env, ...env });
  return {
    dir,
    env,
    config,
    async remove() {
      await stopServers(dir, ['temporal', 'kafka'], () => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// kill -9 of the server this folder started, as a crash would end it: no shutdown, no flush. Resolves with its pid
// once it is gone.
export async function killServer(dir: string, name: ServerName): Promise<number> {
  const running = serversOfStack(dir, name);
  assert.equal(running.length, 1, `one ${name} started from ${dir} should be running, found ${running.length}`);
  return killPid(running[0].recorded.pid, name);
}

// The same for one broker of the folder's local cluster, by its node id.
export async function killKafkaBroker(dir: string, nodeId: number): Promise<number> {
  const running = serverOfFolder(clusterNode(dir, nodeId), KAFKA_MAIN_CLASS);
  assert.ok(running, `Kafka broker ${nodeId} started from ${dir} is not running`);
  return killPid(running.pid, `Kafka broker ${nodeId}`);
}

async function killPid(pid: number, name: string): Promise<number> {
  // Detached servers lead their own process group: the group is everything the server started.
  process.kill(-pid, 'SIGKILL');
  await waitFor(`${name} (pid ${pid}) to be gone after kill -9`, () => !isAlive(pid), { timeoutMs: 30_000 });
  return pid;
}
