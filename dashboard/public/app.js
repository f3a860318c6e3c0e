// The dashboard page: the board as the server streams it (server-sent events, no polling), the charts drawn by
// vega-lite from the same stream, and the controls, each a same-origin POST carrying the page's token.
'use strict';

const MODELS = ['traditional', 'event-sourced'];
const MODEL_TITLES = { traditional: 'traditional (Temporal)', 'event-sourced': 'event-sourced (Kafka)' };
const WINDOW_MS = 5 * 60 * 1000;
const token = document.querySelector('meta[name="dashboard-token"]').content;

let teams = [];
const rowElements = new Map();
const charts = {};
let chartsReady = Promise.resolve();

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (name === 'className') node.className = value;
    else node.setAttribute(name, String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

function notice(text, kind = 'info') {
  const list = document.getElementById('notices');
  list.prepend(element('li', { 'data-kind': kind }, `${new Date().toLocaleTimeString()}  ${text}`));
  while (list.children.length > 8) list.lastChild.remove();
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dashboard-token': token },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) notice(answer.error || `${path} answered ${response.status}`, 'error');
  return { status: response.status, answer };
}

// --- the returns table ---

function buildReturnsHead() {
  const head = document.querySelector('#returns thead');
  head.replaceChildren(
    element(
      'tr',
      {},
      element('th', { rowspan: 2 }, 'return'),
      ...MODELS.map((model) => element('th', { colspan: teams.length + 1, className: 'model' }, MODEL_TITLES[model])),
      element('th', { rowspan: 2 }, 'outcomes'),
    ),
    element(
      'tr',
      {},
      ...MODELS.flatMap((model) => [
        ...teams.map((team) => element('th', { 'data-model': model }, team)),
        element('th', { 'data-model': model }, 'settled'),
      ]),
    ),
  );
}

// The state a cell shows: waiting, the team's latest stored step, and once settled the step that stands.
function cellWord(cell) {
  if (cell.steps.length > 0) return cell.steps[cell.steps.length - 1];
  return cell.state === 'waiting' ? 'waiting' : 'recorded';
}

function renderRow(row) {
  let tr = rowElements.get(row.returnId);
  if (!tr) {
    tr = element('tr', { className: 'return', 'data-return-id': row.returnId, 'data-seq': row.seq });
    tr.addEventListener('click', () => void openTimeline(row.returnId));
    rowElements.set(row.returnId, tr);
    const body = document.querySelector('#returns tbody');
    const later = [...body.children].find((other) => Number(other.dataset.seq) < row.seq);
    body.insertBefore(tr, later ?? null);
  }
  const cells = [element('td', { className: 'id' }, element('strong', {}, row.returnId), element('br'), row.summary)];
  for (const model of MODELS) {
    const ofModel = row.models[model];
    for (const team of teams) {
      const cell = ofModel.teams[team];
      const title = [cell.text, cell.steps.length > 0 ? `steps: ${cell.steps.join(' → ')}` : null]
        .filter(Boolean)
        .join('\n');
      cells.push(
        element(
          'td',
          {
            className: 'cell',
            'data-model': model,
            'data-team': team,
            'data-state': cell.state,
            'data-verdict': ofModel.verdict,
            title: title || 'nothing stored yet',
          },
          cellWord(cell),
        ),
      );
    }
    const settled = ofModel.error
      ? element('span', { className: 'error', title: ofModel.error }, 'failed')
      : ofModel.settledAt
        ? `${ofModel.verdict}${ofModel.settledAfterMs === null ? '' : ` in ${ofModel.settledAfterMs} ms`}`
        : ofModel.handed
          ? 'in flight'
          : '';
    cells.push(
      element(
        'td',
        {
          className: 'settled',
          'data-model': model,
          'data-settled': ofModel.settledAt !== null,
          title: ofModel.settledAt ? `settled at ${ofModel.settledAt}` : null,
        },
        settled,
      ),
    );
  }
  cells.push(
    element(
      'td',
      {
        className: 'identical',
        'data-identical': row.identical === null ? '' : String(row.identical),
        title: row.difference,
      },
      row.identical === null ? '…' : row.identical ? 'identical' : 'DIFFERENT',
    ),
  );
  tr.dataset.identical = row.identical === null ? '' : String(row.identical);
  tr.dataset.settledBoth = String(MODELS.every((model) => row.models[model].settledAt !== null));
  tr.replaceChildren(...cells);
}

// --- processes ---

let shownProcesses = '';

function renderProcesses(processes) {
  const shown = JSON.stringify(processes);
  if (shown === shownProcesses) return;
  shownProcesses = shown;
  const body = document.querySelector('#processes tbody');
  const roles = [...new Set(processes.map(({ role }) => role))];
  body.replaceChildren(
    ...roles.map((role) =>
      element(
        'tr',
        {},
        element('th', {}, role),
        ...MODELS.map((model) => {
          const process = processes.find((entry) => entry.model === model && entry.role === role);
          if (!process) return element('td', { className: 'none' }, '(no process of its own)');
          const busy = !['running', 'stopped'].includes(process.state);
          const button = (action, enabled) =>
            element(
              'button',
              {
                type: 'button',
                'data-model': model,
                'data-role': role,
                'data-action': action,
                ...(enabled && !busy ? {} : { disabled: '' }),
              },
              action,
            );
          return element(
            'td',
            {},
            element(
              'span',
              { className: 'state', 'data-model': model, 'data-role': role, 'data-state': process.state },
              process.state,
            ),
            ' ',
            button('stop', process.state === 'running'),
            button('start', process.state === 'stopped'),
            button('kill', process.state === 'running'),
          );
        }),
      ),
    ),
  );
}

document.getElementById('processes').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  button.disabled = true;
  void post('/api/teams', { model: button.dataset.model, role: button.dataset.role, action: button.dataset.action });
});

// --- charts ---

// The specifications come from the server (charts/specs.ts), the same module that draws the benchmark's charts.
async function setUpCharts() {
  const response = await fetch('/chart-specs.json');
  if (!response.ok) throw new Error(`the chart specifications could not be read (HTTP ${response.status})`);
  const specs = await response.json();
  const embed = window.vegaEmbed;
  const options = { actions: false, renderer: 'svg' };
  const [completed, traditional, eventSourced] = await Promise.all([
    embed('#chart-completed', specs.completed, options),
    embed('#chart-backlog-traditional', specs.backlog, options),
    embed('#chart-backlog-event-sourced', specs.backlog, options),
  ]);
  charts.completed = completed.view;
  charts.traditional = traditional.view;
  charts['event-sourced'] = eventSourced.view;
}

function addSamples(samples) {
  if (samples.length === 0) return;
  const last = samples[samples.length - 1];
  renderBacklog(last);
  if (!charts.completed) return;
  const cutoff = Date.parse(last.at) - WINDOW_MS;
  const old = (point) => point.t < cutoff;
  const completed = samples.flatMap((sample) =>
    MODELS.map((model) => ({ t: Date.parse(sample.at), model, n: sample.completed[model] })),
  );
  charts.completed.change('points', window.vega.changeset().insert(completed).remove(old)).run();
  for (const model of MODELS) {
    const points = samples.flatMap((sample) =>
      teams.map((team) => ({ t: Date.parse(sample.at), team, n: sample.backlog[model][team] })),
    );
    charts[model].change('points', window.vega.changeset().insert(points).remove(old)).run();
  }
}

function renderBacklog(sample) {
  const table = document.getElementById('backlog');
  table
    .querySelector('thead')
    .replaceChildren(element('tr', {}, element('th', {}, 'model'), ...teams.map((team) => element('th', {}, team))));
  table
    .querySelector('tbody')
    .replaceChildren(
      ...MODELS.map((model) =>
        element(
          'tr',
          {},
          element('th', {}, model),
          ...teams.map((team) =>
            element('td', { 'data-model': model, 'data-team': team }, String(sample.backlog[model][team])),
          ),
        ),
      ),
    );
}

// --- the timeline of one return ---

async function openTimeline(returnId) {
  const section = document.getElementById('timeline');
  section.hidden = false;
  section.dataset.returnId = returnId;
  document.getElementById('timeline-title').textContent = `Audit trail of ${returnId}: loading…`;
  const response = await fetch(`/api/returns/${encodeURIComponent(returnId)}/audit`);
  const trail = await response.json();
  if (section.dataset.returnId !== returnId) return;
  if (!response.ok) {
    document.getElementById('timeline-title').textContent = trail.error;
    return;
  }
  document.getElementById('timeline-title').textContent = trail.title;
  document.getElementById('timeline-temporal').href = trail.temporalUrl;
  document.getElementById('timeline-temporal-lines').textContent = trail.temporal.join('\n');
  document.getElementById('timeline-kafka-lines').textContent = trail.kafka.join('\n');
  section.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

document.getElementById('timeline-close').addEventListener('click', () => {
  document.getElementById('timeline').hidden = true;
});

// --- submitting ---

document.getElementById('submit-samples').addEventListener('click', () => void post('/api/samples', {}));
document.getElementById('burst').addEventListener('submit', (event) => {
  event.preventDefault();
  void post('/api/burst', {
    count: Number(document.getElementById('burst-count').value),
    ratePerSecond: Number(document.getElementById('burst-rate').value),
  });
});

// --- the live feed ---

function connect() {
  const status = document.getElementById('connection');
  const events = new EventSource('/events');
  events.addEventListener('open', () => {
    status.dataset.state = 'live';
    status.textContent = 'live';
  });
  events.addEventListener('error', () => {
    status.dataset.state = 'lost';
    status.textContent = 'connection lost, reconnecting…';
  });
  events.addEventListener('snapshot', (message) => {
    const snapshot = JSON.parse(message.data);
    teams = snapshot.teams;
    buildReturnsHead();
    document.querySelector('#returns tbody').replaceChildren();
    rowElements.clear();
    for (const row of snapshot.rows) renderRow(row);
    renderProcesses(snapshot.processes);
    chartsReady = chartsReady.then(() => addSamples(snapshot.samples));
  });
  events.addEventListener('rows', (message) => {
    for (const row of JSON.parse(message.data).rows) renderRow(row);
  });
  events.addEventListener('sample', (message) => {
    const { sample, processes } = JSON.parse(message.data);
    renderProcesses(processes);
    chartsReady = chartsReady.then(() => addSamples([sample]));
  });
  events.addEventListener('processes', (message) => renderProcesses(JSON.parse(message.data).processes));
  events.addEventListener('notice', (message) => notice(JSON.parse(message.data).text));
}

chartsReady = setUpCharts().catch((error) => notice(`charts unavailable: ${error.message}`, 'error'));
connect();
