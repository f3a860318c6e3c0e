// `npm run dashboard` in a real browser: headless Chromium drives the page against both real models, each team a
// process of its own. The page submits the samples and a burst, stops and restarts a team, opens a return's audit
// trail, and its controls refuse what does not come from the page. UPDATE_SCREENSHOT=1 writes docs/dashboard.png.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { temporalUiUrl } from '../../config';
import { type Dashboard, openDashboard } from '../../dashboard/dashboard';
import { DashboardServer, TOKEN_HEADER } from '../../dashboard/http-server';
import { PROJECT_ROOT } from '../../model/supervisor';
import { testConfig } from '../support/test-config';

// The little of the page's DOM the functions handed to page.evaluate use there: this project type-checks for Node.
interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
  readonly content?: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  getElementById(id: string): PageElement | null;
};

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT_MS = 150_000;
const STOPPED_TEAM = 'manufacturing';
const KILLED_TEAM = 'inventory';
const MODELS = ['traditional', 'event-sourced'] as const;

// A POST as any program may send it, with whatever Origin it likes.
function postFrom(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; body: { error?: string } }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { error?: string } }),
      );
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

// The page's own fetch: same origin, with or without the token the page was served.
async function postFromPage(page: Page, route: string, body: unknown, withToken: boolean) {
  return page.evaluate(
    async ({ route, body, withToken, header }) => {
      const token = document.querySelector('meta[name="dashboard-token"]')?.content ?? '';
      const response = await fetch(route, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(withToken ? { [header]: token } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { error?: string; issues?: string[] } };
    },
    { route, body, withToken, header: TOKEN_HEADER },
  );
}

// Rows whose outcome both models have given, and whether each is identical.
async function settledRows(page: Page, prefix: string): Promise<{ settled: number; identical: number }> {
  return page.evaluate((prefix) => {
    const rows = [...document.querySelectorAll(`tr.return[data-return-id^="${prefix}"]`)];
    const settled = rows.filter((row) => row.dataset.settledBoth === 'true');
    return { settled: settled.length, identical: settled.filter((row) => row.dataset.identical === 'true').length };
  }, prefix);
}

async function waitForSettled(page: Page, prefix: string, count: number): Promise<void> {
  await page.waitForFunction(
    ({ prefix, count }) =>
      document.querySelectorAll(`tr.return[data-return-id^="${prefix}"][data-settled-both="true"]`).length === count,
    { prefix, count },
    { timeout: WAIT_MS },
  );
}

// A burst from the page's form: count returns at count per second, so the whole burst goes out within about a second.
async function submitBurst(page: Page, count: number): Promise<void> {
  await page.fill('#burst-count', String(count));
  await page.fill('#burst-rate', String(count));
  await page.click('#submit-burst');
}

async function waitForBacklog(page: Page, team: string, count: number): Promise<void> {
  for (const model of MODELS) {
    await page.waitForSelector(`#backlog td[data-model="${model}"][data-team="${team}"]:text-is("${count}")`, {
      timeout: WAIT_MS,
    });
  }
}

async function clickTeamControl(
  page: Page,
  role: string,
  action: 'stop' | 'start' | 'kill',
  expected: string,
): Promise<void> {
  for (const model of MODELS) {
    await page.click(`#processes button[data-model="${model}"][data-role="${role}"][data-action="${action}"]`);
    await page.waitForSelector(
      `#processes .state[data-model="${model}"][data-role="${role}"][data-state="${expected}"]`,
      {
        timeout: WAIT_MS,
      },
    );
  }
}

describe('the dashboard, in a real browser', function () {
  this.timeout(600_000);
  const config = testConfig('dashboard');
  let server: DashboardServer;
  let dashboard: Dashboard;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The dashboard test drives Chromium at ${CHROMIUM}, and there is none. Install it: ` +
          'apt-get update && apt-get install -y chromium (Debian), then run the test again.',
      );
    }
    server = await DashboardServer.listen(0);
    dashboard = await openDashboard(config, server);
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'dashboard-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1600, height: 1000 },
    });
    page = await context.newPage();
  });

  after(async function () {
    await context?.close();
    await dashboard?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('should load the page, live, with every process of both models running', async function () {
    await page.goto(server.url);
    await page.waitForSelector('#connection[data-state="live"]', { timeout: WAIT_MS });
    // Six workers in the traditional model (five teams and User Support), five team processes in the other.
    await page.waitForFunction(
      () => document.querySelectorAll('#processes .state[data-state="running"]').length === 11,
      null,
      {
        timeout: WAIT_MS,
      },
    );
    await page.waitForSelector('#chart-completed svg', { timeout: WAIT_MS });
  });

  it('should show the six samples submitted from the page, identical in both models', async function () {
    await page.click('#submit-samples');
    await waitForSettled(page, 'R-', 6);
    assert.deepEqual(await settledRows(page, 'R-'), { settled: 6, identical: 6 });
    // R-1002 is returned late: refused in both models, and the cell says so.
    const sales = await page.getAttribute(
      'tr[data-return-id="R-1002"] td.cell[data-model="event-sourced"][data-team="sales"]',
      'data-verdict',
    );
    assert.equal(sales, 'refused');
  });

  it("should leave a stopped team's cells waiting while the other teams finish", async function () {
    await clickTeamControl(page, STOPPED_TEAM, 'stop', 'stopped');
    await submitBurst(page, 4);
    // Sales, Inventory and Accounting act on every return in both models; Manufacturing is down, so its cells,
    // and Customer Care's, which waits for every other team, stay waiting, and its backlog holds the four.
    await page.waitForFunction(
      ({ models }) => {
        const rows = [...document.querySelectorAll('tr.return[data-return-id^="B"]')];
        return (
          rows.length === 4 &&
          rows.every((row) =>
            models.every((model) =>
              ['sales', 'inventory', 'accounting'].every(
                (team) =>
                  row
                    .querySelector(`td.cell[data-model="${model}"][data-team="${team}"]`)
                    ?.getAttribute('data-state') !== 'waiting',
              ),
            ),
          )
        );
      },
      { models: MODELS },
      { timeout: WAIT_MS },
    );
    await waitForBacklog(page, STOPPED_TEAM, 4);
    for (const model of MODELS) {
      for (const team of [STOPPED_TEAM, 'customer-care']) {
        const states = await page.evaluate(
          (selector) => [...document.querySelectorAll(selector)].map((cell) => cell.getAttribute('data-state')),
          `tr.return[data-return-id^="B"] td.cell[data-model="${model}"][data-team="${team}"]`,
        );
        assert.deepEqual(states, ['waiting', 'waiting', 'waiting', 'waiting'], `${model} ${team}`);
      }
    }
    assert.deepEqual(await settledRows(page, 'B'), { settled: 0, identical: 0 });
  });

  it('should settle every row once the team is started again', async function () {
    await clickTeamControl(page, STOPPED_TEAM, 'start', 'running');
    await waitForSettled(page, 'B', 4);
    assert.deepEqual(await settledRows(page, 'B'), { settled: 4, identical: 4 });
    assert.deepEqual(await settledRows(page, 'R-'), { settled: 6, identical: 6 });
    await waitForBacklog(page, STOPPED_TEAM, 0);
  });

  it("should open a return's audit trail from both sources, with a link to its workflow", async function () {
    await page.click('tr[data-return-id="R-1002"] td.id');
    await page.waitForFunction(
      () => document.getElementById('timeline-kafka-lines')?.textContent?.includes('RefundRejected'),
      null,
      {
        timeout: WAIT_MS,
      },
    );
    const temporal = (await page.textContent('#timeline-temporal-lines')) ?? '';
    assert.match(temporal, /Temporal workflow history/);
    assert.match(temporal, /createOrderRefundRequest \(sales\)/);
    const link = await page.getAttribute('#timeline-temporal', 'href');
    assert.equal(
      link,
      `${temporalUiUrl(config.temporalAddress)}/namespaces/${config.temporalNamespace}/workflows/${config.scope}.return.R-1002`,
    );
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs', 'dashboard.png'), fullPage: true });
    }
  });

  it('should refuse a control without the token, from a foreign origin, or with bad input, and run nothing', async function () {
    const withoutToken = await postFromPage(page, '/api/burst', { count: 3, ratePerSecond: 5 }, false);
    assert.equal(withoutToken.status, 403);
    assert.match(withoutToken.body.error ?? '', /token/);

    const token = (await page.getAttribute('meta[name="dashboard-token"]', 'content')) ?? '';
    const foreign = await postFrom(
      `${server.url}api/burst`,
      { origin: 'http://evil.example', [TOKEN_HEADER]: token },
      { count: 3, ratePerSecond: 5 },
    );
    assert.equal(foreign.status, 403);
    assert.match(foreign.body.error ?? '', /Origin/);

    const tooMany = await postFromPage(page, '/api/burst', { count: 100_000, ratePerSecond: 5 }, true);
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.issues?.join() ?? '', /count/);
    const unknownRole = await postFromPage(
      page,
      '/api/teams',
      { model: 'event-sourced', role: 'user-support; rm -rf /', action: 'kill' },
      true,
    );
    assert.equal(unknownRole.status, 400);
    assert.match(unknownRole.body.error ?? '', /runs no process/);

    // Nothing ran: the next burst the page sends is the fifth generated return, B4, and the only new row.
    const accepted = await postFromPage(page, '/api/burst', { count: 1, ratePerSecond: 1 }, true);
    assert.equal(accepted.status, 202);
    assert.deepEqual(accepted.body, { first: 'B4', last: 'B4' });
    await waitForSettled(page, 'B', 5);
    assert.equal(await page.locator('tr.return').count(), 11);
  });

  it("should kill a team's process from the page, and after a start settle what came meanwhile, identically in both models", async function () {
    // SIGKILL, not a clean stop: the process gets no chance to finish what it holds, as in the fault suite.
    await clickTeamControl(page, KILLED_TEAM, 'kill', 'stopped');
    await submitBurst(page, 3);
    await waitForBacklog(page, KILLED_TEAM, 3);
    assert.deepEqual(await settledRows(page, 'B'), { settled: 5, identical: 5 });
    await clickTeamControl(page, KILLED_TEAM, 'start', 'running');
    await waitForSettled(page, 'B', 8);
    // Every row settled and identical in both models: nothing handed to the killed team was lost.
    assert.deepEqual(await settledRows(page, 'B'), { settled: 8, identical: 8 });
    assert.deepEqual(await settledRows(page, 'R-'), { settled: 6, identical: 6 });
    assert.equal(await page.locator('tr.return').count(), 14);
  });
});
