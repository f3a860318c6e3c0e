import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, loadOutputSettings, SettingError } from '../../config';
import { loadDashboardSettings } from '../../dashboard/settings';

// Bad values for every setting of the README's configuration table; a setting that takes any value says so.
const BAD_VALUES: Readonly<Record<string, readonly string[] | 'any value is accepted'>> = {
  KAFKA_BROKERS: [
    '',
    ',, ,',
    'garbage',
    '127.0.0.1',
    '127.0.0.1:0',
    '127.0.0.1:99999',
    'a b:9092',
    '127.0.0.1:9092,broken',
    '127.0.0.1:-1',
  ],
  KAFKA_LOCAL_BROKERS: ['', '0', '2', '4', 'three', ' 3', '3.0'],
  KAFKA_PARTITIONS: ['0', '-1', 'three', '1.5', '1e2', ' 3', '1001', '99999999999999999999', ''],
  TEAM_INSTANCES: ['0', '-2', 'three', '2.5', '33', '', ' 3'],
  KAFKA_FETCH_MIN_BYTES: ['0', '-5', 'lots', '10000001', '0x10'],
  KAFKA_FETCH_MAX_WAIT_MS: ['-1', 'soon', '10001', '2.5'],
  TEMPORAL_ADDRESS: [
    '',
    'localhost',
    ':7233',
    '127.0.0.1:0',
    '127.0.0.1:99999',
    'a b:7233',
    '127.0.0.1:7233/x',
    'http://127.0.0.1:7233',
  ],
  TEMPORAL_NAMESPACE: ['', 'has space', 'a/b', '-dash-first', 'n'.repeat(256)],
  RETURNS_SCOPE: ['', 'has space', 'a/b', '../up', 'UPPER', '-lead', 's'.repeat(41), 'tab\there'],
  STACK_DIR: ['', '   '],
  DATA_DIR: ['', ' '],
  TEAM_STORE: ['', 'SQLite', 'pg', 'mysql', ' postgres'],
  TEAM_DATABASE_URL: [
    '',
    'garbage',
    '127.0.0.1:5433',
    'mysql://127.0.0.1:3306/returns',
    'postgres://127.0.0.1:5433',
    'postgres://127.0.0.1:5433/',
    'postgres://127.0.0.1:0/returns',
    'postgres://127.0.0.1:99999/returns',
    'postgres://returns:secret@127.0.0.1:5433/a/b',
  ],
  DASHBOARD_PORT: ['', '0', '65536', 'eighty', ' 8090', '8090 ', '1e3', '0x1f', '-1', '80.5'],
  // A path: whether it exists is found when a server has to be started (test/cli/start-up-failures.test.ts).
  TEMPORAL_BIN: 'any value is accepted',
  // The conventions say what every value means.
  RETURNS_DEBUG: 'any value is accepted',
  NO_COLOR: 'any value is accepted',
  FORCE_COLOR: 'any value is accepted',
};

function loadEverything(env: NodeJS.ProcessEnv): void {
  loadConfig(env);
  loadOutputSettings(env);
  loadDashboardSettings(env);
}

function readmeSettings(): string[] {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('\n## Configuration') + 1),
  );
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1].matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]));
}

describe('Configuration from the environment', () => {
  describe('when nothing is set', () => {
    it('should fetch with the first record, waiting at most 50 ms', () => {
      assert.deepEqual(loadConfig({}).kafkaFetch, { minBytes: 1, maxWaitMs: 50 });
    });

    it('should colour only a terminal', () => {
      assert.deepEqual(loadOutputSettings({}), { debug: false, colour: 'terminal' });
    });
  });

  describe('when the fetch settings are set', () => {
    it('should use them', () => {
      const config = loadConfig({ KAFKA_FETCH_MIN_BYTES: '16384', KAFKA_FETCH_MAX_WAIT_MS: '10' });
      assert.deepEqual(config.kafkaFetch, { minBytes: 16384, maxWaitMs: 10 });
    });
  });

  describe('when a setting sits at the edge of what it allows', () => {
    it('should accept it', () => {
      const config = loadConfig({
        KAFKA_BROKERS: 'localhost:1, broker-2.internal:65535',
        KAFKA_PARTITIONS: '1000',
        TEMPORAL_ADDRESS: 'temporal_1:65535',
        TEMPORAL_NAMESPACE: 'team.returns-2_prod',
        RETURNS_SCOPE: `a${'-'.repeat(39)}`,
        TEMPORAL_BIN: '',
      });
      assert.deepEqual(config.kafkaBrokers, ['localhost:1', 'broker-2.internal:65535']);
      assert.equal(config.kafkaPartitions, 1000);
      assert.equal(config.temporalBinary, null);
    });
  });

  describe('when a setting has a bad value', () => {
    it('should cover every setting of the README configuration table, and only those', () => {
      assert.deepEqual([...readmeSettings()].sort(), Object.keys(BAD_VALUES).sort());
    });

    for (const [name, values] of Object.entries(BAD_VALUES)) {
      if (values === 'any value is accepted') {
        it(`should accept any value of ${name}`, () => {
          for (const value of ['', '0', 'garbage', '/no/such/file', ' ']) loadEverything({ [name]: value });
        });
        continue;
      }
      for (const value of values) {
        it(`should refuse ${name}=${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)} as a bad setting that it names, with how to fix it`, () => {
          assert.throws(
            () => loadEverything({ [name]: value }),
            (error: unknown) => {
              assert.ok(error instanceof SettingError, String(error));
              assert.equal(error.exitCode, 2);
              assert.ok(error.message.startsWith(name) || error.message.includes(` ${name}`), error.message);
              assert.match(error.message, /unset it|for example|set it to/i);
              assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
              return true;
            },
          );
        });
      }
    }
  });

  describe('when TEAM_DATABASE_URL is refused', () => {
    for (const url of ['postgres://team:s3cret@db.internal:5432', 'mysql://team:s3cret@db.internal/returns']) {
      it(`should say what is wrong without its password (${url.split(':')[0]})`, () => {
        assert.throws(
          () => loadConfig({ TEAM_DATABASE_URL: url }),
          (error: unknown) => {
            assert.ok(error instanceof SettingError, String(error));
            assert.ok(!error.message.includes('s3cret'), error.message);
            assert.match(error.message, /team:\*\*\*@db\.internal/);
            return true;
          },
        );
      });
    }
  });

  describe('when the local stack is asked for a cluster', () => {
    it('should keep one broker at the one address by default', () => {
      const config = loadConfig({});
      assert.equal(config.kafkaLocalBrokers, 1);
      assert.deepEqual(config.kafkaBrokers, ['127.0.0.1:9092']);
    });

    it('should place the other brokers 2 and 4 ports above the one named, above each its controller', () => {
      const config = loadConfig({ KAFKA_LOCAL_BROKERS: '3' });
      assert.equal(config.kafkaLocalBrokers, 3);
      assert.deepEqual(config.kafkaBrokers, ['127.0.0.1:9092', '127.0.0.1:9094', '127.0.0.1:9096']);
      assert.deepEqual(loadConfig({ KAFKA_LOCAL_BROKERS: '3', KAFKA_BROKERS: 'localhost:19092' }).kafkaBrokers, [
        'localhost:19092',
        'localhost:19094',
        'localhost:19096',
      ]);
    });

    it('should take three addresses as they are', () => {
      const brokers = '127.0.0.1:9092,127.0.0.2:9092,127.0.0.1:9192';
      assert.deepEqual(
        loadConfig({ KAFKA_LOCAL_BROKERS: '3', KAFKA_BROKERS: brokers }).kafkaBrokers,
        brokers.split(','),
      );
    });

    for (const [brokers, problem] of [
      ['127.0.0.1:9092,127.0.0.1:9094', /KAFKA_BROKERS names 2 brokers .* KAFKA_LOCAL_BROKERS=3 runs 3/],
      [
        'kafka.internal:9092',
        /KAFKA_LOCAL_BROKERS=3 starts brokers on this machine, but KAFKA_BROKERS names kafka\.internal:9092/,
      ],
      ['127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9096', /port 9093 is needed twice/],
      ['127.0.0.1:65531', /port 65536 is beyond 65535/],
    ] as const) {
      it(`should refuse KAFKA_BROKERS=${brokers} for it, saying why and how to fix it`, () => {
        assert.throws(
          () => loadConfig({ KAFKA_LOCAL_BROKERS: '3', KAFKA_BROKERS: brokers }),
          (error: unknown) => {
            assert.ok(error instanceof SettingError, String(error));
            assert.match(error.message, problem);
            assert.match(error.message, /for example KAFKA_BROKERS=127\.0\.0\.1:9092 with KAFKA_LOCAL_BROKERS=3/);
            assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
            return true;
          },
        );
      });
    }

    it('should accept several brokers for one local broker: a cluster it uses but never starts', () => {
      assert.deepEqual(loadConfig({ KAFKA_BROKERS: 'a:1,b:2' }).kafkaBrokers, ['a:1', 'b:2']);
    });
  });

  describe('when a whole number is out of range', () => {
    it('should say the range and the value given', () => {
      assert.throws(
        () => loadConfig({ KAFKA_FETCH_MAX_WAIT_MS: 'soon' }),
        /KAFKA_FETCH_MAX_WAIT_MS must be a whole number from 0 to 10000, got "soon"/,
      );
    });
  });

  describe('when a port is outside 1 to 65535', () => {
    it('should name the port, not only the pattern', () => {
      assert.throws(
        () => loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:99999' }),
        /TEMPORAL_ADDRESS names port 99999 in "127\.0\.0\.1:99999"; a port is 1 to 65535/,
      );
    });
  });

  describe('when the output settings are set', () => {
    for (const [env, colour] of [
      [{ FORCE_COLOR: '1' }, 'always'],
      [{ FORCE_COLOR: '' }, 'always'],
      [{ FORCE_COLOR: '0' }, 'never'],
      [{ FORCE_COLOR: 'false' }, 'never'],
      [{ NO_COLOR: '1' }, 'never'],
      [{ NO_COLOR: '' }, 'terminal'],
      [{ NO_COLOR: '1', FORCE_COLOR: '1' }, 'always'],
    ] as const) {
      it(`should colour ${colour === 'terminal' ? 'only a terminal' : colour} with ${JSON.stringify(env)}`, () => {
        assert.equal(loadOutputSettings(env).colour, colour);
      });
    }

    it('should print stack traces with RETURNS_DEBUG=1 only', () => {
      assert.equal(loadOutputSettings({ RETURNS_DEBUG: '1' }).debug, true);
      assert.equal(loadOutputSettings({ RETURNS_DEBUG: '0' }).debug, false);
    });
  });
});
