// `npm run dashboard`: both models live, side by side, in a browser. Starts the local servers when none answers (as
// `npm start` does), both models with every team a process of its own, and a web server on 127.0.0.1, then prints
// its URL. The page submits returns, stops, starts and kills teams, and shows what each model makes of it.
import { parseCommandLine } from '../cli/command-line';
import { ensureCommandStack } from '../cli/command-stack';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { loadConfig } from '../config';
import { openDashboard } from './dashboard';
import { DashboardServer } from './http-server';
import { loadDashboardSettings } from './settings';

const USAGE = `Usage: npm run dashboard

Starts both models (every team a process of its own) and a live web page of them side by side on
http://127.0.0.1:DASHBOARD_PORT/ (default 8090): one row per return, the state of each team in each model, the
audit trail of a return from both sources, charts of completed returns and backlogs, and controls to submit
returns and to stop, start or kill any team. Starts the local Kafka broker and Temporal server when none answers,
and leaves them running. Ctrl-C stops the page and every model process.

  -h, --help  this text

Settings: DASHBOARD_PORT, KAFKA_BROKERS, KAFKA_PARTITIONS, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_BIN,
RETURNS_SCOPE, DATA_DIR, TEAM_STORE, TEAM_DATABASE_URL, STACK_DIR, RETURNS_DEBUG (see Configuration in the README).
Exit codes: 1 when a server or a model failed, 2 on a bad setting or a taken port, 130 / 143 after Ctrl-C / SIGTERM.`;

const note = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(entry: EntryPoint): Promise<number> {
  const { help } = parseCommandLine(process.argv.slice(2), {}, USAGE);
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const settings = loadDashboardSettings();
  // The port first: a taken one is said before anything starts.
  const server = await DashboardServer.listen(settings.port);
  entry.onStop(() => server.close());
  await ensureCommandStack(config, { kafka: true, temporal: true }, { entry, log: note, stopWhenDone: false });
  note('starting both models: six Temporal workers and five Kafka team processes, each a process of its own…');
  const started = Date.now();
  const dashboard = await openDashboard(config, server, { log: note });
  entry.onStop(async () => {
    note('stopping the page and every model process…');
    await dashboard.close();
  });
  note(`both models ready in ${((Date.now() - started) / 1000).toFixed(1)}s (scope "${config.scope}")`);
  process.stdout.write(`Dashboard: ${dashboard.url}  (Ctrl-C to stop)\n`);
  // Serves until a signal; the stops above close it.
  return new Promise<number>(() => undefined);
}

runEntryPoint(main);
