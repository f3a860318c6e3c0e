// Test only: one worker of the traditional model as its own process, run by traditional/worker.ts's own body, with
// a fault put around the team's store from outside (after emmett's WrapEventStore). The activities are the ones
// production runs; only the store they are handed differs.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ActionableError } from '../../cli/actionable-error';
import { runEntryPoint } from '../../cli/entry-point';
import { type Config, loadConfig } from '../../config';
import type { Team } from '../../domain';
import type { TeamRecord, TeamView } from '../../traditional/team-store';
import { type TeamStores, USER_SUPPORT, WORKER_TEAMS, type WorkerTeam } from '../../traditional/teams';
import { runWorkerProcess, workerTeamNamed } from '../../traditional/worker';
import { decidedAgainFile, keepDecidedAgain } from './decided-again';

const USAGE = `Usage: ts-node faults/edge/traditional-worker.ts --team <${WORKER_TEAMS.join('|')}> [--crash-after-record <returnId>] [--decide-again]

Runs one worker of the traditional model, as traditional/worker.ts does, with a fault around the team's store:
  --crash-after-record <returnId>  once that return's record is committed, and before its activity returns, the
                                   process kills itself: the window in which Temporal retries an activity whose
                                   effect is already stored
  --decide-again                   a return the team already recorded is decided again, and that second record is
                                   kept in the fault suite's own file (decided-again.ts): the negative control, a
                                   store without idempotency
User Support keeps no store, so it takes neither.
Settings and exit codes: as traditional/worker.ts.`;

export interface TraditionalWorkerFaults {
  readonly team: WorkerTeam;
  readonly crashAfterRecord: string | null;
  readonly decideAgain: boolean;
}

// A bad argument is a usage error (exit 2) that says which, then shows the usage.
export function parseTraditionalWorkerArguments(args: readonly string[]): TraditionalWorkerFaults {
  let values: { team?: string; 'crash-after-record'?: string; 'decide-again'?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        team: { type: 'string' },
        'crash-after-record': { type: 'string' },
        'decide-again': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new ActionableError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const team = workerTeamNamed(values.team, USAGE);
  const crashAfterRecord = values['crash-after-record'] ?? null;
  if (crashAfterRecord !== null && !/^\S{1,200}$/.test(crashAfterRecord)) {
    throw new ActionableError(
      `--crash-after-record must be the returnId to crash after, with no spaces, got "${crashAfterRecord}"\n\n${USAGE}`,
      2,
    );
  }
  const decideAgain = values['decide-again'] === true;
  if (team === USER_SUPPORT && (crashAfterRecord !== null || decideAgain)) {
    throw new ActionableError(
      `${USER_SUPPORT} keeps no store: --crash-after-record and --decide-again are for a team\n\n${USAGE}`,
      2,
    );
  }
  return { team, crashAfterRecord, decideAgain };
}

// What the wrappers use of a team's store, whatever the team's record.
interface RecordingStore extends TeamView<string> {
  recordOf(returnId: string): Promise<TeamRecord | undefined>;
  recordOnce(
    returnId: string,
    recordedAt: string,
    decide: (view: TeamView<string>) => TeamRecord | Promise<TeamRecord>,
  ): Promise<TeamRecord>;
}
type RecordOnce = RecordingStore['recordOnce'];
type StoreWrap = <T extends Team>(store: TeamStores[T], team: T) => TeamStores[T];

// The store as it is but for recordOnce: every other call still reads the team's own database.
function aroundRecordOnce(
  around: (recordOnce: RecordOnce, store: RecordingStore, team: Team) => RecordOnce,
): StoreWrap {
  return (store, team) => {
    const recording: RecordingStore = store;
    const wrapped = Object.create(store) as typeof store;
    Object.assign(wrapped, { recordOnce: around((...call) => recording.recordOnce(...call), recording, team) });
    return wrapped;
  };
}

// SIGKILL, so nothing of the process runs after the commit: the activity never returns, Temporal never hears.
function crashingAfterRecord(crashReturnId: string): StoreWrap {
  return aroundRecordOnce((recordOnce) => async (returnId, recordedAt, decide) => {
    const record = await recordOnce(returnId, recordedAt, decide);
    if (returnId === crashReturnId) {
      writeSync(2, `crash point: ${returnId} recorded, activity not yet completed; killing this process\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    return record;
  });
}

// As a store without idempotency would: a return already recorded is decided again, from the team's state now.
function decidingAgain(config: Pick<Config, 'dataDir' | 'scope'>): StoreWrap {
  return aroundRecordOnce((recordOnce, store, team) => async (returnId, recordedAt, decide) => {
    if (!(await store.recordOf(returnId))) return recordOnce(returnId, recordedAt, decide);
    const record = await decide(store);
    keepDecidedAgain(decidedAgainFile(config, team), { record, recordedAt });
    return record;
  });
}

if (require.main === module) {
  runEntryPoint(
    async (entry) => {
      const faults = parseTraditionalWorkerArguments(process.argv.slice(2));
      // The crash wraps the other, so it fires once whatever the store beneath did is done.
      const wraps = [
        ...(faults.decideAgain ? [decidingAgain(loadConfig())] : []),
        ...(faults.crashAfterRecord ? [crashingAfterRecord(faults.crashAfterRecord)] : []),
      ];
      return runWorkerProcess(entry, faults.team, {
        wrapStore: (store, team) => wraps.reduce((wrapped, wrap) => wrap(wrapped, team), store),
      });
    },
    { exitCodeAfterCleanStop: 0 },
  );
}
