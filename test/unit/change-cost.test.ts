// npm run change-cost: what each recorded process change cost in each model, read from a small history built here in
// a temporary git repository (a tiny tree of the project's layout, three changes and a commit that belongs to none),
// so every figure is known in advance. Also the clone that lacks the history, and every mistake in the changes file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionableError } from '../../cli/actionable-error';
import { ChangesFileError } from '../../compare/change-cost/changes-file';
import {
  EVERY_SUBSCRIBER,
  EVERY_UNIT,
  EVERY_WORKER,
  listUnits,
  PUBLISHER,
  roleOf,
  STARTER,
  WORKFLOW_WORKER,
} from '../../compare/change-cost/deployable-units';
import { type ChangeCostReport, HistoryMissingError, measureChangeCost } from '../../compare/change-cost/measure';
import { renderMarkdown, renderText } from '../../compare/change-cost/render';
import { parseTeamInputs } from '../../compare/change-cost/subscriptions';
import { hasStackTrace, runScript } from '../../model/script-process';
import { PROJECT_ROOT } from '../../model/supervisor';

// The repository's git, whatever the machine's configuration: no signing, no hooks of a global config, one author.
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_AUTHOR_NAME: 'Returns',
  GIT_AUTHOR_EMAIL: 'returns@example.invalid',
  GIT_COMMITTER_NAME: 'Returns',
  GIT_COMMITTER_EMAIL: 'returns@example.invalid',
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
}

function write(dir: string, file: string, lines: readonly string[]): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), `${lines.join('\n')}\n`);
}

function commit(dir: string, message: string, files: Record<string, readonly string[]>): string {
  for (const [file, lines] of Object.entries(files)) write(dir, file, lines);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--no-verify', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

const SALES = [
  'export interface OrderRefund { readonly orderId: string }',
  "export function verdictOf(): string { return 'issued'; }",
  "export const SALES = 'sales';",
];
const TEAMS = ["import type { Team } from '../domain';", 'export const TEAM_DECIDERS = {};'];
const TEAM_INPUTS_COMMENT = '// Besides the requests, the teams whose topics each team reads.';
const TEAM_INPUTS_TYPED = 'export const TEAM_INPUTS: { readonly [team: string]: readonly string[] } = {';
const WORKFLOW_HEAD = ["import { verdictOf } from '../domain/teams/sales';", 'export function returnWorkflow() {'];

interface History {
  readonly dir: string;
  readonly base: string;
  readonly gate: readonly string[];
  readonly unrelated: string;
  readonly retire: string;
  readonly money: string;
}

// The three changes, with the figures the tests expect of them in the comments.
function buildHistory(dir: string): History {
  git(dir, 'init', '--quiet', '--initial-branch=main');
  const base = commit(dir, 'The tiny tree', {
    'domain/teams/sales.ts': SALES,
    'domain/money.ts': ["export const CURRENCY = 'EUR';"],
    'traditional/workflows.ts': [...WORKFLOW_HEAD, '  return verdictOf();', '}'],
    'traditional/teams/sales.activities.ts': ['export const createOrderRefundRequest = () => undefined;'],
    'event-sourced/teams.ts': TEAMS,
    'event-sourced/envelope.ts': [
      '// Every version a reader understands.',
      'export const READABLE = { RefundIssued: [1] };',
    ],
    'event-sourced/deciders/inventory.decider.ts': ['export const inventoryDecider = {};'],
    'test/unit/sales.test.ts': ["it('refunds');"],
    'README.md': ['# Returns'],
  });
  // verdict-gates-return, first commit: the workflow branches on a patch (+2 -1), Sales' rules gain a version 2 event
  // (+2), inventory reads sales (teams.ts +5, its decider +1), a test of each kind.
  const gate1 = commit(dir, 'Sales decides first', {
    'traditional/workflows.ts': [
      ...WORKFLOW_HEAD,
      "  if (patched('verdict-gates-return')) return gate(verdictOf());",
      '  else return legacy();',
      '}',
    ],
    'domain/teams/sales.ts': [
      ...SALES,
      "export const REFUND_ISSUED = { type: 'RefundIssued', version: 2 };",
      'export const GATE = true;',
    ],
    'event-sourced/teams.ts': [
      ...TEAMS,
      TEAM_INPUTS_COMMENT,
      TEAM_INPUTS_TYPED,
      '  sales: [],',
      "  inventory: ['sales'], // waits for the verdict",
      '} as const;',
    ],
    'event-sourced/deciders/inventory.decider.ts': [
      'export const inventoryDecider = {};',
      "export const WAITS = 'sales';",
    ],
    'test/unit/sales.test.ts': ["it('refunds');", "it('gates');", "it('releases');"],
    'test/traditional/gate.test.ts': ["it('holds');", "it('ships');", "it('releases');"],
  });
  // In no change: its README line is counted nowhere.
  const unrelated = commit(dir, 'A README line of no change', { 'README.md': ['# Returns', 'About.'] });
  // verdict-gates-return, second commit: an upcaster in the envelope (+2 -1), a README line, a fault edge script.
  const gate2 = commit(dir, 'Old refunds are read as new', {
    'event-sourced/envelope.ts': [
      '// Every version a reader understands.',
      'export const READABLE = { RefundIssued: [1, 2] };',
      'export const upcastRefundIssued = (data: unknown) => data;',
    ],
    'README.md': ['# Returns', 'About.', 'The verdict gates the return.'],
    'faults/edge/event-sourced-team.ts': ['// A team with a crash point.', 'export {};'],
  });
  // retire-the-patch: the patch is retired (+2 -2), a worker file (+2); the version 2 line moves from Sales' module to
  // Inventory's (no new version); inventory stops reading sales, accounting reads both.
  const retire = commit(dir, 'The verdict gate is the only path', {
    'traditional/workflows.ts': [
      ...WORKFLOW_HEAD,
      "  deprecatePatch('verdict-gates-return');",
      '  return gate(verdictOf());',
      '}',
    ],
    'traditional/worker.ts': ['// Every worker.', 'export {};'],
    'domain/teams/sales.ts': [...SALES, 'export const GATE = true;'],
    'domain/teams/inventory.ts': ["export const REPLACEMENT_SHIPPED = { type: 'ReplacementShipped', version: 2 };"],
    'event-sourced/teams.ts': [
      ...TEAMS,
      TEAM_INPUTS_COMMENT,
      TEAM_INPUTS_TYPED,
      '  sales: [],',
      '  inventory: [],',
      `  'accounting': ["sales", 'inventory'],`,
      '} as const;',
    ],
  });
  // euro-to-dollar: the shared domain (+1 -1) and the starter's client (+1).
  const money = commit(dir, 'Dollars', {
    'domain/money.ts': ["export const CURRENCY = 'USD';"],
    'traditional/client.ts': ['export const startReturn = () => undefined;'],
  });
  return { dir, base, gate: [gate1, gate2], unrelated, retire, money };
}

function changesFileOf(history: History): object {
  const inFlight = (traditional: string, eventSourced: string) => ({ traditional, 'event-sourced': eventSourced });
  return {
    about: 'The process changes of the tiny tree.',
    changes: [
      {
        id: 'verdict-gates-return',
        title: "Sales' verdict gates the return",
        // Abbreviated, and newest first: the tool orders them.
        commits: [history.gate[1].slice(0, 7), history.gate[0].slice(0, 9)],
        inFlight: inFlight('runs started before take the old path (patched)', 'v1 refunds are upcast to v2'),
      },
      {
        id: 'retire-the-patch',
        title: 'The verdict gate is the only path',
        commits: [history.retire],
        inFlight: inFlight('deprecatePatch once no old run is open', 'none needed'),
      },
      {
        id: 'euro-to-dollar',
        title: 'Dollars',
        commits: [history.money.slice(0, 12)],
        inFlight: inFlight('none', 'none'),
      },
    ],
  };
}

function writeJson(dir: string, value: unknown): string {
  const file = path.join(dir, 'process-changes.json');
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

const lines = (files: Record<string, [number, number]>) => {
  const entries = Object.entries(files).map(([file, [added, removed]]) => ({ path: file, added, removed }));
  return {
    files: entries,
    added: entries.reduce((sum, { added }) => sum + added, 0),
    removed: entries.reduce((sum, { removed }) => sum + removed, 0),
  };
};

describe('npm run change-cost', function () {
  this.timeout(60_000);
  let root: string;
  let history: History;
  let report: ChangeCostReport;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'change-cost-'));
    const dir = path.join(root, 'repo');
    mkdirSync(dir);
    history = buildHistory(dir);
    report = measureChangeCost(dir, writeJson(dir, changesFileOf(history)));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  describe('a change of two commits with one of no change between them', () => {
    const change = () => report.changes[0];

    it('names its commits oldest first, and the commit it was applied to', () => {
      assert.deepEqual(
        change().commits.map(({ sha, subject }) => [sha, subject]),
        [
          [history.gate[0], 'Sales decides first'],
          [history.gate[1], 'Old refunds are read as new'],
        ],
      );
      assert.equal(change().parent, history.base);
      assert.equal(change().commits[0].short, history.gate[0].slice(0, change().commits[0].short.length));
    });

    it("counts the files and lines in each model itself, the shared domain and around it, each commit's once", () => {
      assert.deepEqual(change().models.traditional.itself, lines({ 'traditional/workflows.ts': [2, 1] }));
      assert.deepEqual(
        change().models['event-sourced'].itself,
        lines({
          'event-sourced/deciders/inventory.decider.ts': [1, 0],
          'event-sourced/envelope.ts': [2, 1],
          'event-sourced/teams.ts': [5, 0],
        }),
      );
      assert.deepEqual(change().shared.domain, lines({ 'domain/teams/sales.ts': [2, 0] }));
      assert.deepEqual(change().models.traditional.aroundIt, lines({ 'test/traditional/gate.test.ts': [3, 0] }));
      assert.deepEqual(
        change().models['event-sourced'].aroundIt,
        lines({ 'faults/edge/event-sourced-team.ts': [2, 0] }),
      );
      // The README line of the commit between is not the change's.
      assert.deepEqual(change().shared.aroundBoth, lines({ 'README.md': [1, 0], 'test/unit/sales.test.ts': [2, 0] }));
    });

    it('lists the deployable units and the teams whose code changed', () => {
      // The workflow imports verdictOf from Sales' module, so Sales' rules ship in the workflow worker too.
      assert.deepEqual(change().models.traditional.deployableUnits, [WORKFLOW_WORKER, 'sales worker']);
      // The envelope is in every process of the model.
      assert.deepEqual(change().models['event-sourced'].deployableUnits, [EVERY_UNIT]);
      assert.deepEqual(change().models.traditional.teams, ['sales', 'user-support']);
      assert.deepEqual(change().models['event-sourced'].teams, ['inventory', 'sales']);
      assert.deepEqual(change().models.traditional.unplacedFiles, []);
    });

    it('reads the new subscription from TEAM_INPUTS, absent before the change', () => {
      const { subscriptions } = change().models['event-sourced'];
      assert.deepEqual(subscriptions.added, [{ reader: 'inventory', writer: 'sales' }]);
      assert.deepEqual(subscriptions.removed, []);
      assert.equal(subscriptions.summary, 'inventory reads sales');
      assert.equal(
        change().models.traditional.subscriptions.summary,
        'none (the workflow calls each team); workflow changed',
      );
      assert.equal(change().models.traditional.subscriptions.workflowChanged, true);
    });

    it('detects the patch in the workflow, and the new event version and the upcaster', () => {
      assert.deepEqual(change().models.traditional.inFlight, {
        declared: 'runs started before take the old path (patched)',
        detected: [{ added: "patched('verdict-gates-return')", lines: 1, files: ['traditional/workflows.ts'] }],
      });
      assert.deepEqual(change().models['event-sourced'].inFlight.detected, [
        { added: 'version: 2', lines: 1, files: ['domain/teams/sales.ts'] },
        { added: 'upcast', lines: 1, files: ['event-sourced/envelope.ts'] },
      ]);
    });
  });

  describe('a change that retires the patch and moves an event version', () => {
    const change = () => report.changes[1];

    it('shows the deprecatePatch() alone, and no new version for a version line that moved', () => {
      assert.deepEqual(change().models.traditional.inFlight.detected, [
        { added: "deprecatePatch('verdict-gates-return')", lines: 1, files: ['traditional/workflows.ts'] },
      ]);
      assert.deepEqual(change().models['event-sourced'].inFlight.detected, []);
    });

    it('lets every worker stand for the workflow worker and the team workers', () => {
      assert.deepEqual(change().models.traditional.deployableUnits, [EVERY_WORKER]);
      assert.deepEqual(change().models['event-sourced'].deployableUnits, [EVERY_SUBSCRIBER]);
      assert.deepEqual(change().models.traditional.teams, ['inventory', 'sales', 'user-support']);
      assert.deepEqual(
        change().shared.domain,
        lines({ 'domain/teams/inventory.ts': [1, 0], 'domain/teams/sales.ts': [0, 1] }),
      );
      assert.deepEqual(
        change().models.traditional.itself,
        lines({ 'traditional/worker.ts': [2, 0], 'traditional/workflows.ts': [2, 2] }),
      );
    });

    it('reads subscriptions added and dropped, with quoted team names', () => {
      const { subscriptions } = change().models['event-sourced'];
      assert.deepEqual(subscriptions.added, [
        { reader: 'accounting', writer: 'sales' },
        { reader: 'accounting', writer: 'inventory' },
      ]);
      assert.deepEqual(subscriptions.removed, [{ reader: 'inventory', writer: 'sales' }]);
      assert.equal(
        subscriptions.summary,
        'accounting reads sales, accounting reads inventory, inventory no longer reads sales',
      );
    });
  });

  describe('a change of the shared domain', () => {
    const change = () => report.changes[2];

    it('is a change of every unit of both models, and of no team', () => {
      assert.deepEqual(change().models.traditional.deployableUnits, [EVERY_UNIT]);
      assert.deepEqual(change().models['event-sourced'].deployableUnits, [EVERY_UNIT]);
      assert.deepEqual(change().models.traditional.teams, []);
      assert.deepEqual(change().models['event-sourced'].itself, lines({}));
      assert.equal(
        change().models['event-sourced'].subscriptions.summary,
        'none (each team reads the requests alone, as before)',
      );
      assert.equal(change().models.traditional.subscriptions.summary, 'none (the workflow calls each team)');
      assert.deepEqual(change().models.traditional.inFlight.detected, []);
    });
  });

  it('totals each file once and the lines of every change', () => {
    assert.deepEqual(report.totals, {
      changes: 3,
      models: {
        traditional: {
          itself: { files: 3, added: 7, removed: 3 },
          aroundIt: { files: 1, added: 3, removed: 0 },
          newSubscriptions: 0,
        },
        'event-sourced': {
          itself: { files: 3, added: 10, removed: 2 },
          aroundIt: { files: 1, added: 2, removed: 0 },
          newSubscriptions: 3,
        },
      },
      domain: { files: 3, added: 4, removed: 2 },
      aroundBoth: { files: 2, added: 3, removed: 0 },
    });
  });

  it('prints a table per change and a totals line, as plain text and as markdown', () => {
    const text = renderText(report);
    assert.match(text, /^verdict-gates-return: Sales' verdict gates the return\n/);
    assert.match(text, /\n {2}the model itself +1 file, \+2 -1 +3 files, \+8 -1\n/);
    assert.match(
      text,
      /\n {2}new subscriptions +none \(the workflow calls each team\); workflow +inventory reads sales\n/,
    );
    assert.match(text, /Shared by both models, counted once: domain 1 file, \+2 -0; around both .* 2 files, \+3 -0\./);
    assert.match(text, /\nTotals over 3 changes: traditional itself 3 files, \+7 -3 \(around it 1 file, \+3 -0\); /);
    const markdown = renderMarkdown(report);
    assert.match(markdown, /^\*\*`verdict-gates-return`\*\*: Sales' verdict gates the return\n/);
    assert.match(markdown, /\n\| +\| traditional \(Temporal\) +\| event-sourced \(Kafka\) +\|\n\| -+ \| -+ \| -+ \|\n/);
    assert.match(
      markdown,
      /\n\| in flight, in the diff +\| patched\('verdict-gates-return'\) added in traditional\/workflows\.ts +\| /,
    );
  });

  describe('the table of deployable units', () => {
    const unitsOf = (file: string, workflowReads: readonly string[] = []) => roleOf(file, new Set(workflowReads)).units;

    it('places each path of the brief', () => {
      const traditional: Record<string, readonly string[]> = {
        'traditional/workflows.ts': [WORKFLOW_WORKER],
        'traditional/teams/customer-care.activities.ts': ['customer-care worker'],
        'traditional/worker.ts': [EVERY_WORKER],
        'traditional/team-store.ts': [EVERY_WORKER],
        'traditional/teams.ts': [EVERY_WORKER],
        'traditional/client.ts': [STARTER],
        'traditional/start.ts': [STARTER],
        'domain/teams/sales.ts': ['sales worker'],
        'domain/teams/index.ts': [EVERY_UNIT],
        'domain/outcome.ts': [EVERY_UNIT],
      };
      const eventSourced: Record<string, readonly string[]> = {
        'event-sourced/publisher.ts': [PUBLISHER],
        'event-sourced/deciders/inventory.decider.ts': ['inventory subscriber'],
        'event-sourced/team-runner.ts': [EVERY_SUBSCRIBER],
        'event-sourced/teams.ts': [EVERY_SUBSCRIBER],
        'event-sourced/deciders/decider.ts': [EVERY_SUBSCRIBER],
        'event-sourced/envelope.ts': [EVERY_UNIT],
        'event-sourced/event-log.ts': [EVERY_UNIT],
        'domain/teams/sales.ts': ['sales subscriber'],
        'domain/teams/team-module.ts': [EVERY_UNIT],
      };
      for (const [file, units] of Object.entries(traditional)) assert.deepEqual(unitsOf(file).traditional, units, file);
      for (const [file, units] of Object.entries(eventSourced)) {
        assert.deepEqual(unitsOf(file)['event-sourced'], units, file);
      }
      assert.deepEqual(unitsOf('domain/teams/sales.ts', ['sales']).traditional, ['sales worker', WORKFLOW_WORKER]);
      assert.deepEqual(unitsOf('test/traditional/samples.test.ts'), { traditional: [], 'event-sourced': [] });
    });

    it("has a rule for every file of this project's two models", () => {
      const modelFiles = ['traditional', 'event-sourced'].flatMap((folder) =>
        readdirSync(path.join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
          .filter((file) => file.endsWith('.ts'))
          .map((file) => `${folder}/${file.split(path.sep).join('/')}`),
      );
      assert.ok(modelFiles.length > 20, `found only ${modelFiles.length} files`);
      assert.deepEqual(
        modelFiles.filter((file) => !roleOf(file, new Set()).placed),
        [],
        'add a rule for each to compare/change-cost/deployable-units.ts',
      );
    });

    it('lists each unit once, a unit that contains others in their place', () => {
      assert.deepEqual(
        listUnits('traditional', ['sales worker', STARTER, EVERY_WORKER, WORKFLOW_WORKER, 'sales worker']),
        [EVERY_WORKER, STARTER],
      );
      assert.deepEqual(listUnits('event-sourced', ['sales subscriber', PUBLISHER, 'inventory subscriber']), [
        PUBLISHER,
        'inventory subscriber',
        'sales subscriber',
      ]);
      assert.deepEqual(listUnits('event-sourced', [PUBLISHER, EVERY_UNIT, EVERY_SUBSCRIBER]), [EVERY_UNIT]);
    });
  });

  describe('TEAM_INPUTS', () => {
    it('is absent, or read through comments, a type annotation and either quote', () => {
      assert.equal(parseTeamInputs(TEAMS.join('\n'), 'HEAD'), null);
      const source = [
        '// export const TEAM_INPUTS = { nobody: ["reads"] };',
        'export const TEAM_INPUTS: Readonly<Record<Team, readonly Team[]>> = {',
        "  sales: [], /* reads the requests only */ 'customer-care': ['sales', \"accounting\"],",
        '} as const satisfies object;',
      ].join('\n');
      assert.deepEqual(parseTeamInputs(source, 'HEAD'), [
        { reader: 'customer-care', writer: 'sales' },
        { reader: 'customer-care', writer: 'accounting' },
      ]);
    });

    it('refuses a form it cannot read, saying how to write it', () => {
      for (const source of [
        'export const TEAM_INPUTS = buildInputs();',
        'export const TEAM_INPUTS = { inventory: SALES_READERS };',
        'export const TEAM_INPUTS = { inventory: [SALES] };',
      ]) {
        assert.throws(
          () => parseTeamInputs(source, 'abc1234'),
          (error: Error) =>
            error instanceof ActionableError &&
            error.message.includes('event-sourced/teams.ts at abc1234') &&
            error.message.includes("inventory: ['sales']"),
          source,
        );
      }
    });
  });

  describe('a clone without the history', () => {
    it('is named as shallow, with how to fetch the history (exit code 1)', () => {
      const shallow = path.join(root, 'shallow');
      git(root, 'clone', '--quiet', '--depth', '1', `file://${history.dir}`, shallow);
      assert.throws(
        () => measureChangeCost(shallow, writeJson(shallow, changesFileOf(history))),
        (error: Error) =>
          error instanceof HistoryMissingError &&
          error.exitCode === 1 &&
          /This clone is shallow/.test(error.message) &&
          error.message.includes('git fetch --unshallow'),
      );
    });

    it('names a commit it does not hold, with how to fetch it (exit code 1)', () => {
      const file = writeJson(root, {
        changes: [{ ...(changesFileOf(history) as { changes: object[] }).changes[2], commits: ['deadbeefdeadbeef'] }],
      });
      assert.throws(
        () => measureChangeCost(history.dir, file),
        (error: Error) =>
          error instanceof HistoryMissingError &&
          error.message.includes('Commit deadbeefdeadbeef of change euro-to-dollar') &&
          error.message.includes('is not in this clone') &&
          error.message.includes('git fetch --unshallow'),
      );
    });
  });

  describe('a mistake in the changes file', () => {
    const change = (fields: object = {}) => ({
      id: 'verdict-gates-return',
      title: 'A title',
      commits: [history.gate[0]],
      inFlight: { traditional: 'patched', 'event-sourced': 'upcast' },
      ...fields,
    });
    const refusal = (content: unknown, ...expected: (string | RegExp)[]) => {
      const dir = mkdtempSync(path.join(root, 'file-'));
      const file = writeJson(dir, content);
      assert.throws(
        () => measureChangeCost(history.dir, file),
        (error: Error) => {
          assert.ok(error instanceof ChangesFileError, `expected a ChangesFileError, got ${error.stack}`);
          assert.equal(error.exitCode, 2);
          for (const part of expected) {
            if (typeof part === 'string') assert.ok(error.message.includes(part), `${part} not in:\n${error.message}`);
            else assert.match(error.message, part);
          }
          return true;
        },
      );
    };

    it('names what is wrong and where, each problem at once', () => {
      refusal('{"changes": [', 'is not valid JSON', 'Fix the syntax');
      refusal([], '(the file): must be a JSON object with a "changes" list');
      refusal({}, 'changes: is missing');
      refusal({ changes: [], change: [] }, '(the file): has unknown field(s) change');
      refusal(
        { changes: [change({ id: 'Verdict Gates', commits: [], inFlight: { traditional: 'x' } })] },
        'changes[0].id: must be lowercase words joined by dashes',
        'changes[0].commits: must name at least one commit',
        'changes[0].inFlight.event-sourced: is missing',
        'Each change reads {',
      );
      refusal({ changes: [change({ commits: ['HEAD~1'] })] }, 'changes[0].commits[0]: must be a commit sha');
      refusal({ changes: [change({ title: 'two\nlines' })] }, 'changes[0].title: must be one line');
      refusal({ changes: [change({ inFlight: 'patched' })] }, 'changes[0].inFlight: must be an object');
      refusal({ changes: [change({ effort: 3 })] }, 'changes[0]: has unknown field(s) effort');
      refusal(
        { changes: [change(), change()] },
        'changes[1].id: "verdict-gates-return" is already the id of changes[0]',
      );
    });

    it('refuses a commit named twice, an object that is no commit and commits off one line of history', () => {
      refusal(
        { changes: [change(), change({ id: 'again', commits: [history.gate[0].slice(0, 8)] })] },
        `Commit ${history.gate[0].slice(0, 8)} is listed in verdict-gates-return and in again`,
      );
      const tree = git(history.dir, 'rev-parse', `${history.base}^{tree}`);
      refusal(
        { changes: [change({ commits: [tree] })] },
        `Commit ${tree} of change verdict-gates-return`,
        'names a tree',
      );
      const side = git(history.dir, 'commit-tree', tree, '-p', history.base, '-m', 'A branch of its own');
      refusal({ changes: [change({ commits: [history.gate[0], side] })] }, 'are not on one line of history');
    });

    it('says how to create a file that does not exist', () => {
      assert.throws(
        () => measureChangeCost(history.dir, path.join(root, 'nowhere', 'process-changes.json')),
        (error: Error) =>
          error instanceof ChangesFileError &&
          /does not exist\. Create it with \{"changes": \[\]\}/.test(error.message),
      );
    });
  });

  describe('the command', () => {
    it('prints its usage with --help', async () => {
      const run = await runScript('change-cost', ['--help'], {});
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Usage: npm run change-cost/);
      assert.match(run.stdout, /--markdown/);
    });

    it('says that no change is recorded yet, and exits 0', async () => {
      const file = writeJson(mkdtempSync(path.join(history.dir, 'empty-')), { changes: [] });
      const run = await runScript('change-cost', ['--file', file], {});
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /No process changes are recorded yet in .*process-changes\.json/);
    });

    it('prints the figures as JSON', async () => {
      const run = await runScript(
        'change-cost',
        ['--json', '--file', path.join(history.dir, 'process-changes.json')],
        {},
      );
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), JSON.parse(JSON.stringify(report)));
    });

    it('exits 2 on a malformed file or --json with --markdown, 1 in a shallow clone, with no stack trace', async () => {
      const malformed = writeJson(mkdtempSync(path.join(root, 'bad-')), { changes: [{ id: 'x' }] });
      const shallow = path.join(root, 'shallow-cli');
      git(root, 'clone', '--quiet', '--depth', '1', `file://${history.dir}`, shallow);
      const cases: [readonly string[], number, RegExp][] = [
        [['--file', malformed], 2, /changes\[0\]\.title: is missing/],
        [['--json', '--markdown'], 2, /Give --json or --markdown, not both/],
        [['--file', writeJson(shallow, changesFileOf(history))], 1, /This clone is shallow/],
      ];
      for (const [args, code, message] of cases) {
        const run = await runScript('change-cost', args, {});
        assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, message);
        assert.ok(!hasStackTrace(run.stderr), run.stderr);
      }
    });
  });
});
