// docker-compose.yml and docker-compose.cluster.yml cannot be started where the tests run, so these tests check what
// can be checked offline: pinned images, the ports the README promises, the advertised Kafka addresses, the broker
// settings the local stack also has, and a Console configuration in the format Console v3 accepts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { DEFAULTS, loadConfig, temporalUiUrl } from '../../config';
import { TEMPORAL_CLI_VERSION } from '../../stack/temporal-server';

const projectRoot = path.join(__dirname, '..', '..');
const composeText = readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8');
const clusterText = readFileSync(path.join(projectRoot, 'docker-compose.cluster.yml'), 'utf8');
const readmeText = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

interface Service {
  image: string;
  command?: string[] | string;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  configs?: Array<{ source: string; target: string }>;
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

function services(env: Record<string, string> = {}, text = composeText): Record<string, Service> {
  const compose = yaml.load(interpolate(text, env)) as { services: Record<string, Service> };
  return compose.services;
}

function clusterCompose(): { services: Record<string, Service>; configs: Record<string, { content: string }> } {
  return yaml.load(interpolate(clusterText, {})) as ReturnType<typeof clusterCompose>;
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

// A section of the README, from its heading up to the next heading of its level or above: "## With Docker" for
// docker-compose.yml, its subsection "### A cluster with Docker" for docker-compose.cluster.yml.
function readmeSection(heading: string): string {
  const start = readmeText.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README.md has no "${heading}" section`);
  const level = /^#+/.exec(heading)![0].length;
  const next = new RegExp(`\n#{1,${level}} `, 'g');
  next.lastIndex = start + heading.length + 1;
  const end = next.exec(readmeText)?.index;
  return readmeText.slice(start, end);
}

function dockerSection(): string {
  const section = readmeSection('## With Docker');
  const cluster = section.indexOf('\n### ');
  return cluster < 0 ? section : section.slice(0, cluster);
}

// Rows of the section's "| service | port | what for |" table.
function readmePorts(section = dockerSection()): Array<{ service: string; port: number }> {
  return [...section.matchAll(/^\|\s*([a-z0-9-]+)\s*\|\s*(\d+)\s*\|/gm)].map((row) => ({
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

describe('docker-compose.cluster.yml', () => {
  const { services: all, configs } = clusterCompose();
  const section = readmeSection('### A cluster with Docker');
  const brokers = ['redpanda-0', 'redpanda-1', 'redpanda-2'];
  const tagOf = (service: Service) => /:([^:/]+)$/.exec(service.image)?.[1] ?? '';

  describe('when its images are read', () => {
    for (const [name, service] of Object.entries(all)) {
      it(`should pin ${name}'s image to a release, never latest or a bare major version`, () => {
        // Releases as each project tags them: v26.1.17, 16.9, 1.29.1-tctl-1.18.4-cli-1.5.0 (admin-tools).
        assert.match(tagOf(service), /^v?\d+\.\d+(\.\d+)?(-[a-z]+-\d+\.\d+\.\d+)*$/, service.image);
      });

      it(`should name ${name}'s pinned tag in the README's cluster section`, () => {
        assert.ok(section.includes(tagOf(service)), `the README's cluster section does not name ${tagOf(service)}`);
      });
    }

    it('should run the Redpanda and Console of docker-compose.yml', () => {
      const single = services();
      for (const broker of brokers) assert.equal(all[broker].image, single.redpanda.image);
      assert.equal(all.console.image, single.console.image);
    });

    it("should run the Temporal server release of the local stack's dev server, and its admin tools", () => {
      const server = tagOf(all.temporal);
      assert.ok(readmeText.includes(`(server ${server},`), `the local stack does not run server ${server}`);
      for (const tool of ['temporal-schema', 'temporal-namespace'])
        assert.ok(tagOf(all[tool]).startsWith(`${server}-`), `${tool} ${all[tool].image}`);
    });
  });

  describe('when the README lists the ports', () => {
    it('should publish exactly the ports the README names, on the services it names', () => {
      const published = Object.entries(all)
        .flatMap(([service, definition]) => publishedPorts(definition).map((port) => `${service} ${port.hostPort}`))
        .sort();
      assert.deepEqual(
        published,
        readmePorts(section)
          .map((row) => `${row.service} ${row.port}`)
          .sort(),
      );
    });

    it('should publish on the loopback interface only, like the local stack', () => {
      for (const [name, service] of Object.entries(all)) {
        for (const port of publishedPorts(service)) assert.equal(port.hostIp, '127.0.0.1', `${name} ${port.hostPort}`);
      }
    });
  });

  describe("when the brokers' listeners are read", () => {
    const external = brokers.map((broker) => {
      const words = commandWords(all[broker]);
      const bound = listeners(onlyFlagValue(words, '--kafka-addr'));
      const mapping = publishedPorts(all[broker]).find((port) => port.containerPort === bound.external.port);
      assert.ok(mapping, `${broker} publishes no host port to its external listener`);
      return { broker, words, bound, mapping, advertised: listeners(onlyFlagValue(words, '--advertise-kafka-addr')) };
    });

    it("should publish the brokers on the local cluster's ports, so one KAFKA_BROKERS reaches either", () => {
      const local = loadConfig({ KAFKA_LOCAL_BROKERS: '3' }).kafkaBrokers.map(hostPortOf);
      assert.deepEqual(
        external.map(({ mapping }) => mapping.hostPort),
        local,
      );
    });

    for (const broker of brokers) {
      it(`should advertise, on ${broker}'s external listener, the host port published to it`, () => {
        const { mapping, advertised } = external.find((entry) => entry.broker === broker)!;
        assert.deepEqual(advertised.external, { host: '127.0.0.1', port: mapping.hostPort });
      });

      it(`should advertise ${broker}'s internal listener and RPC under its service name`, () => {
        const { words, bound, advertised } = external.find((entry) => entry.broker === broker)!;
        assert.deepEqual(advertised.internal, { host: broker, port: bound.internal.port });
        assert.equal(onlyFlagValue(words, '--advertise-rpc-addr'), `${broker}:33145`);
      });
    }

    it('should have the second and third brokers join the cluster the first one founds', () => {
      const [first, ...others] = external;
      assert.deepEqual(flagValues(first.words, '--seeds'), []);
      for (const { words } of others)
        assert.deepEqual(flagValues(words, '--seeds'), [onlyFlagValue(first.words, '--advertise-rpc-addr')]);
    });
  });

  describe("when the brokers' settings are read", () => {
    for (const broker of brokers) {
      const words = commandWords(all[broker]);
      const overrides = flagValues(words, '--set');

      it(`should start ${broker} in dev-container mode, with auto-creation off, groups at once, three replicas`, () => {
        assert.deepEqual(flagValues(words, '--mode'), ['dev-container']);
        for (const setting of [
          'redpanda.auto_create_topics_enabled=false',
          'redpanda.group_initial_rebalance_delay=0',
          'redpanda.default_topic_replications=3',
        ])
          assert.ok(overrides.includes(setting), `${broker} --set values: ${overrides.join(', ')}`);
      });

      it(`should give each --set of ${broker} its own command item`, () => {
        for (const item of all[broker].command as string[])
          assert.ok(!/^--set\s/.test(item), `"${item}" joins --set and its value`);
      });
    }
  });

  describe('when the Console configuration is read', () => {
    const config = consoleConfig(all.console);

    it('should reach every broker on its internal listener, and every admin API', () => {
      assert.deepEqual(
        (config.kafka as { brokers: string[] }).brokers,
        brokers.map((broker) => `${broker}:9092`),
      );
      const admin = (config.redpanda as { adminApi: { urls: string[] } }).adminApi.urls;
      assert.deepEqual(
        admin,
        brokers.map((broker) => `http://${broker}:9644`),
      );
    });

    it('should use the v3 format, with schemaRegistry at the top level', () => {
      assert.equal((config.kafka as Record<string, unknown>).schemaRegistry, undefined);
      assert.ok(config.schemaRegistry, 'no top-level schemaRegistry');
    });
  });

  describe('when the Temporal services are read', () => {
    const environment = all.temporal.environment ?? {};
    const dependsOn = (service: string) => all[service].depends_on as Record<string, { condition: string }>;

    it('should run the server on the PostgreSQL service, once its schema is set up', () => {
      assert.equal(environment.DB, 'postgres12');
      assert.ok(all[environment.POSTGRES_SEEDS], `no service ${environment.POSTGRES_SEEDS}`);
      assert.deepEqual(dependsOn('temporal'), { 'temporal-schema': { condition: 'service_completed_successfully' } });
      assert.deepEqual(dependsOn('temporal-schema'), { postgresql: { condition: 'service_healthy' } });
    });

    it('should create, set up and update the schema of both the main and the visibility store', () => {
      const script = (all['temporal-schema'].command as string[]).join(' ');
      assert.match(script, /for store in temporal:temporal visibility:temporal_visibility; do/);
      for (const step of ['create', 'setup-schema -v 0.0', 'update-schema -d $dir'])
        assert.ok(script.includes(`--db $db ${step}`), `no step "${step}"`);
      assert.match(script, /\/etc\/temporal\/schema\/postgresql\/v12\/\$\{store%%:\*\}\/versioned/);
    });

    it('should set the number of history shards to a power of two above the default of 4', () => {
      const shards = Number(environment.NUM_HISTORY_SHARDS);
      assert.ok(Number.isInteger(shards) && shards > 4 && (shards & (shards - 1)) === 0, String(shards));
    });

    it('should load the dynamic configuration it mounts, with the raised rate limits', () => {
      const mounted = all.temporal.configs?.find(({ source }) => source === 'temporal-dynamic-config');
      assert.ok(mounted, 'the dynamic configuration is not mounted');
      assert.equal(`/etc/temporal/${environment.DYNAMIC_CONFIG_FILE_PATH}`, mounted.target);
      const limits = yaml.load(configs['temporal-dynamic-config'].content) as Record<string, Array<{ value: number }>>;
      for (const limit of ['frontend.namespaceRPS', 'frontend.rps', 'history.rps', 'matching.rps'])
        assert.equal(limits[limit]?.[0]?.value, 20_000, limit);
    });

    it("should create the code's default namespace", () => {
      const script = (all['temporal-namespace'].command as string[]).join(' ');
      assert.ok(script.includes(`namespace create --namespace ${DEFAULTS.TEMPORAL_NAMESPACE} --address temporal:7233`));
    });

    it("should publish the frontend on the code's default address and the UI where the scripts' links point", () => {
      assert.ok(publishedPorts(all.temporal).some((port) => port.hostPort === hostPortOf(DEFAULTS.TEMPORAL_ADDRESS)));
      const uiPort = hostPortOf(temporalUiUrl(DEFAULTS.TEMPORAL_ADDRESS));
      assert.ok(
        publishedPorts(all['temporal-ui']).some((port) => port.hostPort === uiPort && port.containerPort === 8080),
      );
    });
  });

  describe('when the team stores database is read', () => {
    it("should create, on PostgreSQL's first start, the role and database the README's TEAM_DATABASE_URL names", () => {
      const url = /TEAM_DATABASE_URL=(postgres:\/\/\S+?)[`\s]/.exec(section)?.[1];
      assert.ok(url, "the README's cluster section names no TEAM_DATABASE_URL");
      const { username, password, hostname, port, pathname } = new URL(url);
      const init = all.postgresql.configs?.find(({ source }) => source === 'team-database');
      assert.ok(init?.target.startsWith('/docker-entrypoint-initdb.d/'), 'the team database script is not run at init');
      const sql = configs['team-database'].content;
      assert.ok(sql.includes(`CREATE ROLE ${username} LOGIN PASSWORD '${password}';`), sql);
      assert.ok(sql.includes(`CREATE DATABASE ${pathname.slice(1)} OWNER ${username};`), sql);
      assert.equal(hostname, '127.0.0.1');
      assert.ok(publishedPorts(all.postgresql).some((published) => published.hostPort === Number(port)));
    });
  });
});
