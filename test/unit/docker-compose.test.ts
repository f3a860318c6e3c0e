// docker-compose.yml cannot be started where the tests run, so these tests check what can be checked offline:
// pinned images, the ports the README promises, the advertised Kafka address, the broker settings the local
// stack also has, and a Console configuration in the format Console v3 accepts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { DEFAULTS, temporalUiUrl } from '../../config';
import { TEMPORAL_CLI_VERSION } from '../../stack/temporal-server';

const projectRoot = path.join(__dirname, '..', '..');
const composeText = readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8');
const readmeText = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

interface Service {
  image: string;
  command?: string[] | string;
  ports?: string[];
  environment?: Record<string, string>;
}
interface PublishedPort {
  hostIp: string | null;
  hostPort: number;
  containerPort: number;
}

// Compose substitutes ${NAME:-default} and ${NAME} from the environment and turns $$ into $. The file uses
// nothing else; any other form fails here rather than being checked wrongly.
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}|\$[^$]/g,
    (match, name?: string, fallback?: string) => {
      if (match === '$$') return '$';
      if (name === undefined) throw new Error(`unsupported interpolation ${match} in docker-compose.yml`);
      const value = env[name];
      return value !== undefined && value !== '' ? value : (fallback ?? '');
    },
  );
}

function services(env: Record<string, string> = {}): Record<string, Service> {
  const compose = yaml.load(interpolate(composeText, env)) as { services: Record<string, Service> };
  return compose.services;
}

// "127.0.0.1:9092:19092" or "9092:19092", the short syntax the file uses.
function publishedPorts(service: Service): PublishedPort[] {
  return (service.ports ?? []).map((mapping) => {
    const parts = mapping.split(':');
    assert.ok(parts.length === 2 || parts.length === 3, `unexpected port mapping "${mapping}"`);
    const [hostPort, containerPort] = parts.slice(-2).map(Number);
    assert.ok(Number.isInteger(hostPort) && Number.isInteger(containerPort), `unexpected port mapping "${mapping}"`);
    return { hostIp: parts.length === 3 ? parts[0] : null, hostPort, containerPort };
  });
}

// The Redpanda image's entrypoint passes its arguments to rpk unquoted, so "--smp 1" arrives as two words.
function commandWords(service: Service): string[] {
  const command = Array.isArray(service.command) ? service.command : [service.command ?? ''];
  return command.flatMap((item) => item.split(/\s+/).filter((word) => word.length > 0));
}

// Every value given to a flag, in order: "--flag value" and "--flag=value" alike.
function flagValues(words: string[], flag: string): string[] {
  const values: string[] = [];
  words.forEach((word, index) => {
    if (word === flag && index + 1 < words.length) values.push(words[index + 1]);
    else if (word.startsWith(`${flag}=`)) values.push(word.slice(flag.length + 1));
  });
  return values;
}

// "internal://redpanda:9092,external://127.0.0.1:9092" → { internal: {host, port}, external: {host, port} }
function listeners(value: string): Record<string, { host: string; port: number }> {
  return Object.fromEntries(
    value.split(',').map((entry) => {
      const match = /^([a-z]+):\/\/([^:]+):(\d+)$/.exec(entry);
      assert.ok(match, `unexpected listener "${entry}"`);
      return [match[1], { host: match[2], port: Number(match[3]) }];
    }),
  );
}

function onlyFlagValue(words: string[], flag: string): string {
  const values = flagValues(words, flag);
  assert.equal(values.length, 1, `expected ${flag} once, found ${values.length} times`);
  return values[0];
}

// The README's "With Docker" section, up to the next top-level heading.
function dockerSection(): string {
  const start = readmeText.indexOf('## With Docker');
  assert.ok(start >= 0, 'README.md has no "## With Docker" section');
  const end = readmeText.indexOf('\n## ', start + 1);
  return readmeText.slice(start, end < 0 ? undefined : end);
}

// Rows of the section's "| service | port | what for |" table.
function readmePorts(): Array<{ service: string; port: number }> {
  return [...dockerSection().matchAll(/^\|\s*([a-z-]+)\s*\|\s*(\d+)\s*\|/gm)].map((row) => ({
    service: row[1],
    port: Number(row[2]),
  }));
}

function hostPortOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function consoleConfig(service: Service): Record<string, unknown> {
  const text = service.environment?.CONSOLE_CONFIG_FILE;
  assert.ok(text, 'the console service has no CONSOLE_CONFIG_FILE');
  return yaml.load(text) as Record<string, unknown>;
}

describe('docker-compose.yml', () => {
  describe('when its images are read', () => {
    for (const [name, service] of Object.entries(services())) {
      it(`should pin ${name}'s image to a release tag, never latest`, () => {
        const tag = /:([^:/]+)$/.exec(service.image)?.[1];
        assert.ok(tag, `${service.image} has no tag`);
        assert.match(tag, /^v?\d+\.\d+\.\d+$/, `${service.image} is not pinned to a release`);
      });

      it(`should name ${name}'s pinned tag in the README's Docker section`, () => {
        const tag = /:([^:/]+)$/.exec(service.image)?.[1] ?? '';
        assert.ok(dockerSection().includes(tag), `README.md's "With Docker" section does not name ${tag}`);
      });
    }

    it('should run Redpanda Console 3, whose configuration format the file uses', () => {
      assert.match(services().console.image, /\/console:v3\.\d+\.\d+$/);
    });

    it('should run the Temporal CLI version the local stack builds, so both paths run the same server', () => {
      assert.equal(`v${/:([^:/]+)$/.exec(services().temporal.image)?.[1]}`, TEMPORAL_CLI_VERSION);
    });
  });

  describe('when the README lists the ports', () => {
    it('should publish exactly the ports the README names, on the services it names', () => {
      const published = Object.entries(services())
        .flatMap(([service, definition]) => publishedPorts(definition).map((port) => `${service} ${port.hostPort}`))
        .sort();
      const named = readmePorts()
        .map((row) => `${row.service} ${row.port}`)
        .sort();
      assert.deepEqual(published, named);
    });

    it('should publish on the loopback interface only, like the local stack', () => {
      for (const [name, service] of Object.entries(services())) {
        for (const port of publishedPorts(service)) assert.equal(port.hostIp, '127.0.0.1', `${name} ${port.hostPort}`);
      }
    });

    it("should publish Kafka and Temporal on the code's default addresses", () => {
      const all = services();
      assert.ok(publishedPorts(all.redpanda).some((port) => port.hostPort === hostPortOf(DEFAULTS.KAFKA_BROKERS)));
      assert.ok(publishedPorts(all.temporal).some((port) => port.hostPort === hostPortOf(DEFAULTS.TEMPORAL_ADDRESS)));
    });

    it("should publish the Temporal Web UI where the scripts' links point", () => {
      const uiPort = hostPortOf(temporalUiUrl(DEFAULTS.TEMPORAL_ADDRESS));
      assert.ok(
        publishedPorts(services().temporal).some((port) => port.hostPort === uiPort && port.containerPort === 8233),
      );
    });
  });

  const kafkaPortSettings: Array<Record<string, string>> = [{}, { KAFKA_PORT: '19092' }, { KAFKA_PORT: '29092' }];
  for (const env of kafkaPortSettings) {
    describe(`when Kafka's host port is ${env.KAFKA_PORT ?? 'the default'}`, () => {
      const redpanda = services(env).redpanda;
      const words = commandWords(redpanda);
      const bound = listeners(onlyFlagValue(words, '--kafka-addr'));
      const advertised = listeners(onlyFlagValue(words, '--advertise-kafka-addr'));

      const mapping = publishedPorts(redpanda).find((port) => port.containerPort === bound.external.port);

      it('should publish the external listener on that host port', () => {
        assert.ok(
          mapping,
          `no host port is published to the external listener (container port ${bound.external.port})`,
        );
        assert.equal(mapping.hostPort, Number(env.KAFKA_PORT ?? hostPortOf(DEFAULTS.KAFKA_BROKERS)));
      });

      it('should advertise, on the external listener, the address that is published to it', () => {
        assert.ok(
          mapping,
          `no host port is published to the external listener (container port ${bound.external.port})`,
        );
        assert.equal(advertised.external.port, mapping.hostPort);
        if (mapping.hostIp !== null) assert.equal(advertised.external.host, mapping.hostIp);
      });

      it('should advertise the internal listener under the service name, for Console', () => {
        assert.equal(advertised.internal.host, 'redpanda');
        assert.equal(advertised.internal.port, bound.internal.port);
      });
    });
  }

  describe("when Redpanda's settings are read", () => {
    const words = commandWords(services().redpanda);
    const overrides = flagValues(words, '--set');

    it('should start in dev-container mode, the quickstart setup for containers', () => {
      assert.deepEqual(flagValues(words, '--mode'), ['dev-container']);
    });

    it('should turn topic auto-creation back off, as the local stack has it', () => {
      assert.ok(
        overrides.includes('redpanda.auto_create_topics_enabled=false'),
        `--set values: ${overrides.join(', ')}`,
      );
    });

    it('should form consumer groups at once, as the local stack does', () => {
      assert.ok(
        overrides.includes('redpanda.group_initial_rebalance_delay=0'),
        `--set values: ${overrides.join(', ')}`,
      );
    });

    it('should give each --set its own command item, since rpk recognises --set only as a word of its own', () => {
      const items = services().redpanda.command as string[];
      for (const item of items) assert.ok(!/^--set\s/.test(item), `"${item}" joins --set and its value`);
    });
  });

  describe('when the Console configuration is read', () => {
    const all = services();
    const config = consoleConfig(all.console);
    const redpandaWords = commandWords(all.redpanda);

    it('should put schemaRegistry at the top level, as v3 requires, not under kafka as v2 did', () => {
      const kafka = config.kafka as Record<string, unknown>;
      assert.equal(kafka.schemaRegistry, undefined);
      assert.ok(config.schemaRegistry, 'no top-level schemaRegistry');
    });

    // Console v3 refuses unknown keys at start. These are the keys of its Config and Kafka structs
    // (backend/pkg/config/config.go and kafka.go), plus the authentication and authorization sections.
    it('should use only keys Console v3 knows, at the top level and under kafka', () => {
      const topLevel = [
        'analytics',
        'authentication',
        'authorization',
        'console',
        'kafka',
        'kafkaConnect',
        'logger',
        'metricsNamespace',
        'redpanda',
        'schemaRegistry',
        'serde',
        'serveFrontend',
        'server',
        'sql',
      ];
      for (const key of Object.keys(config)) assert.ok(topLevel.includes(key), `unknown top-level key ${key}`);
      const kafkaKeys = ['brokers', 'clientId', 'rackId', 'tls', 'sasl', 'startup'];
      for (const key of Object.keys(config.kafka as object))
        assert.ok(kafkaKeys.includes(key), `unknown key kafka.${key}`);
    });

    it('should reach the broker on its internal listener and the registry on its internal port', () => {
      const internalKafka = listeners(onlyFlagValue(redpandaWords, '--advertise-kafka-addr')).internal;
      const registry = listeners(onlyFlagValue(redpandaWords, '--schema-registry-addr')).internal;
      assert.deepEqual((config.kafka as { brokers: string[] }).brokers, [
        `${internalKafka.host}:${internalKafka.port}`,
      ]);
      assert.deepEqual((config.schemaRegistry as { urls: string[] }).urls, [`http://redpanda:${registry.port}`]);
    });
  });
});
