// The faults themselves: SIGKILLs at random moments of a run, crash points armed on a process, a team stopped for
// a while; and, for each, how long the model took to recover from it.
import { type RefundRequest, type Team, TEAMS } from '../domain';
import { generateReturns, seededRandom } from '../samples/generate-returns';
import type { ModelName, ModelRole } from '../model/port';
import type { EffectsChecker } from '../model/effects-check';
import { describeExit, type Supervisor } from '../model/supervisor';
import { answersOf, finished } from './answers';
import { type Drive, inFlightFor } from './drive';
import { crashRun, type FaultModel, processOf } from './open';
import { delay, describeError } from './scenario';

export interface Recovery {
  // Resolves with the milliseconds from the fault until every return it held up was answered, or null if that
  // did not happen before the deadline.
  readonly done: Promise<number | null>;
}

// Time from `since` until every one of the returns has been answered by every one of the teams.
export function recoveryOf(
  model: FaultModel,
  returnIds: readonly string[],
  teams: readonly Team[],
  since: number,
  timeoutMs: number,
): Recovery {
  let timer: NodeJS.Timeout | undefined;
  const done = Promise.race([
    Promise.all(returnIds.map((returnId) => answersOf(model).until(returnId, teams))).then(
      () => performance.now() - since,
    ),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return { done };
}

export interface Kill {
  readonly role: ModelRole;
  // Returns complete when the kill was decided on, of the run's total.
  readonly atCompleted: number;
  // Returns accepted and not yet answered by the victim: the work it held when it died.
  readonly inFlight: number;
  // Extra evidence the scenario gathers at the moment of the kill (e.g. its uncommitted requests).
  readonly evidence: Readonly<Record<string, number>>;
  readonly exit: string;
  // From the SIGKILL until the new process was ready.
  restartMs: number;
  // From the SIGKILL until the returns the victim held then were answered (by it, or by its successor).
  recoveryMs: number | null;
  // From the SIGKILL until the successor had answered every return accepted before it was ready: caught up.
  caughtUpMs: number | null;
  // The returns the victim held (the first HELD_KEPT), to look up afterwards (e.g. their retried activities).
  readonly heldReturnIds: readonly string[];
}

const HELD_KEPT = 50;

export interface RandomKillsOptions {
  readonly kills: number;
  readonly total: number;
  readonly roles: readonly ModelRole[];
  readonly seed: number;
  readonly recoveryTimeoutMs: number;
  // Gathered just before the SIGKILL, given the returns the victim holds; it may wait a moment for a better one.
  readonly evidence?: (role: ModelRole, held: readonly string[]) => Promise<Record<string, number>>;
  readonly progress?: (line: string) => void;
}

// SIGKILLs one of the roles at each of `kills` random moments spread over the first part of the run, and starts it
// again at once, as a supervisor would; the run goes on while a victim restarts.
export async function killAtRandomMoments(
  model: FaultModel,
  drive: Drive,
  options: RandomKillsOptions,
): Promise<Kill[]> {
  const random = seededRandom(options.seed);
  const kills: Kill[] = [];
  const restarts = new Map<ModelRole, Promise<void>>();
  const recoveries: Promise<void>[] = [];
  for (let index = 0; index < options.kills; index++) {
    // Counted in returns accepted: they keep coming while a team that nothing waits on is down, so every kill
    // lands with returns still to come.
    const atAccepted = Math.floor(options.total * (0.1 + (0.6 * (index + random())) / options.kills));
    const role = options.roles[Math.floor(random() * options.roles.length)];
    const jitterMs = Math.floor(random() * 300);
    try {
      await drive.whenAccepted(atAccepted);
    } catch {
      // The run ended early (it failed): the kills left do not happen, and the checker reports the rest.
      break;
    }
    await delay(jitterMs);
    // A victim still coming back from the last kill is killed again only once it is back.
    await restarts.get(role);
    const child = processOf(model, role);
    const holding = () =>
      role === 'user-support'
        ? drive.accepted().filter((id) => !answersOf(model).isComplete(id))
        : inFlightFor(model, drive, role);
    const evidence = (await options.evidence?.(role, holding())) ?? {};
    const held = holding();
    const completedAtKill = drive.completed();
    const killedAt = performance.now();
    const exit = await child.kill();
    const kill: Kill = {
      role,
      atCompleted: completedAtKill,
      inFlight: held.length,
      evidence,
      exit: exit ? describeExit(exit) : 'not running',
      restartMs: 0,
      recoveryMs: null,
      caughtUpMs: null,
      heldReturnIds: held.slice(0, HELD_KEPT),
    };
    kills.push(kill);
    options.progress?.(
      `${model.label}: SIGKILLed ${role} with ${held.length} return(s) in flight (${completedAtKill}/${options.total} complete)`,
    );
    restarts.set(
      role,
      child
        .start()
        // A restart that fails is left to the supervisor, which tries again until the process is back.
        .catch(() => child.whenRestarted())
        .then(() => {
          kill.restartMs = performance.now() - killedAt;
          recoveries.push(
            settled(model, holding(), role, killedAt, options.recoveryTimeoutMs).then((ms) => {
              kill.caughtUpMs = ms;
            }),
          );
        }),
    );
    recoveries.push(
      settled(model, held, role, killedAt, options.recoveryTimeoutMs).then((ms) => {
        kill.recoveryMs = ms;
      }),
    );
  }
  await Promise.all(restarts.values());
  await Promise.all(recoveries);
  return kills;
}

// Milliseconds from `since` until the role has settled the returns: a team answered them; User Support, which
// holds whole returns, saw their workflows finish. Null if that did not happen in time.
function settled(
  model: FaultModel,
  returnIds: readonly string[],
  role: ModelRole,
  since: number,
  timeoutMs: number,
): Promise<number | null> {
  if (role !== 'user-support') return recoveryOf(model, returnIds, [role], since, timeoutMs).done;
  return withTimeout(Promise.all(returnIds.map((returnId) => finished(model, returnId))), timeoutMs).then((done) =>
    done ? performance.now() - since : null,
  );
}

export interface CrashPoint {
  readonly role: ModelRole;
  readonly returnId: string;
  reached: boolean;
  // From the process dying at the crash point until the returns it held were answered by its successor.
  recoveryMs: number | null;
  exit: string | null;
}

// Where each team's process dies once: at one return each, spread over the run.
export function crashPlans(requests: readonly RefundRequest[]): { readonly role: Team; readonly returnId: string }[] {
  return TEAMS.map((team, index) => ({
    role: team,
    returnId: requests[Math.floor(requests.length * (0.2 + 0.15 * index))].returnId,
  }));
}

// The scenario's model and drive, once they exist: a crash point is armed before either does.
export interface CrashTarget {
  readonly name: ModelName;
  readonly model: () => FaultModel | undefined;
  readonly drive: () => Drive | undefined;
}

// Arms a crash point on a process before the model's processes start (asProcesses.beforeStart): it runs its
// crashing entry (faults/edge/) across restarts, a failed first start included, until it has died at the crash
// point once; then the supervisor starts it as before.
export function armCrashPoint(
  processes: Supervisor,
  target: CrashTarget,
  { role, returnId }: { readonly role: ModelRole; readonly returnId: string },
  recoveryTimeoutMs: number,
  negativeControl: boolean,
): { point: CrashPoint; recovered: Promise<void> } {
  const child = processes.process(role);
  const point: CrashPoint = { role, returnId, reached: false, recoveryMs: null, exit: null };
  const marker = `crash point: ${returnId} `;
  const crashing = crashRun(target.name, role, returnId, negativeControl);
  child.nextStartAs(crashing);
  let markRecovered: () => void = () => undefined;
  const recovered = new Promise<void>((resolve) => (markRecovered = resolve));
  child.onExit((exit) => {
    if (point.reached) return;
    const reached = child.printed(/^crash point: /).some((line) => line.startsWith(marker));
    if (!reached) {
      child.nextStartAs(crashing);
      return;
    }
    // Reached only once its return was handed over, so the model is open by then.
    const model = target.model();
    if (!model) return;
    point.reached = true;
    point.exit = describeExit(exit);
    const current = target.drive();
    const teams = role === 'user-support' ? TEAMS : [role];
    const held = current
      ? current.accepted().filter((id) => teams.some((team) => !answersOf(model).hasAnswered(id, team)))
      : [returnId];
    // Recovered once the returns the process held are answered and the crashed return is finished for its caller.
    const returned = withTimeout(finished(model, returnId), recoveryTimeoutMs);
    void Promise.all([recoveryOf(model, held, teams, exit.atMs, recoveryTimeoutMs).done, returned]).then(
      ([ms, done]) => {
        point.recoveryMs = ms === null || !done ? null : performance.now() - exit.atMs;
        markRecovered();
      },
    );
  });
  return { point, recovered };
}

// True once the promise resolves, false if it has not within the time (or failed).
function withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Unexpected exits of every process of the model: crashes the supervisor had to restart.
export function unexpectedExits(model: FaultModel): Record<string, number> {
  return Object.fromEntries(
    [...(model.processes?.processes ?? [])].map(([role, child]) => [
      role,
      child.exits.filter((exit) => !exit.expected).length,
    ]),
  );
}

export function describeKills(kills: readonly Kill[]): string {
  return kills.map((kill) => kill.role).join(', ');
}

export function describeKillRecovery(kills: readonly Kill[]): string {
  if (kills.length === 0) return 'no kill';
  const back = Math.max(...kills.map((kill) => kill.restartMs));
  const held = maxRecovery(kills.map((kill) => kill.recoveryMs));
  const caughtUp = maxRecovery(kills.map((kill) => kill.caughtUpMs));
  return (
    `kill → victim back ≤ ${(back / 1000).toFixed(1)} s, returns it held answered ≤ ${held}, ` +
    `caught up ≤ ${caughtUp}`
  );
}

export function maxRecovery(values: readonly (number | null)[]): string {
  if (values.length === 0) return 'n/a';
  if (values.some((value) => value === null)) return 'never (timed out)';
  return `${(Math.max(...(values as number[])) / 1000).toFixed(1)} s`;
}

export interface ProbeFigures {
  // Returns handed to the model while the server was down or coming back, one every few hundred ms.
  readonly attempts: number;
  readonly acceptedAtOnce: number;
  // Refused with an error: handed over again once the server was back.
  readonly failed: number;
  // A call that neither returned nor failed within the bound: the client hung.
  readonly hung: number;
  readonly longestCallMs: number;
  readonly errorKinds: readonly string[];
  // Every probe complete once the server was back.
  readonly completed: number;
}

const PROBE_CALL_BOUND_MS = 120_000;

// Hands a fresh, independent return to the model every intervalMs while `during` runs (a server restart): what a
// caller sees while the server is away. A probe that failed is handed over again afterwards, as a caller would.
export async function probeWhile(
  model: FaultModel,
  checker: EffectsChecker,
  during: Promise<unknown>,
  { intervalMs = 250, answerTimeoutMs }: { intervalMs?: number; answerTimeoutMs: number },
): Promise<ProbeFigures> {
  const probes = generateReturns({
    seed: 4242,
    count: 400,
    idPrefix: 'FP',
    repeatedOrderShare: 0,
    models: ['PHONE-X1', 'PHONE-X2', 'TABLET-T5'],
  });
  let running = true;
  void during.finally(() => {
    running = false;
  });
  const calls: Promise<void>[] = [];
  const sent: RefundRequest[] = [];
  const failedRequests: RefundRequest[] = [];
  const errorKinds = new Set<string>();
  let acceptedAtOnce = 0;
  let hung = 0;
  let longestCallMs = 0;
  for (const probe of probes) {
    if (!running) break;
    sent.push(probe);
    const started = performance.now();
    calls.push(
      withTimeout(
        model.accept(probe).then(
          () => {
            acceptedAtOnce++;
            checker.accepted(probe);
          },
          (error: unknown) => {
            failedRequests.push(probe);
            errorKinds.add(describeError(error));
          },
        ),
        PROBE_CALL_BOUND_MS,
      ).then((settled) => {
        longestCallMs = Math.max(longestCallMs, performance.now() - started);
        if (!settled) hung++;
      }),
    );
    await delay(intervalMs);
  }
  await during.catch(() => undefined);
  await Promise.all(calls);
  for (const probe of failedRequests) {
    const deadline = performance.now() + answerTimeoutMs;
    for (;;) {
      try {
        await model.accept(probe);
        checker.accepted(probe);
        break;
      } catch (error) {
        if (performance.now() > deadline)
          throw new Error(`probe ${probe.returnId} was never accepted: ${(error as Error).message}`, { cause: error });
        await delay(500);
      }
    }
  }
  // Every probe is accepted by now, at once or on a later try: each must complete.
  const done = await Promise.all(sent.map((probe) => withTimeout(finished(model, probe.returnId), answerTimeoutMs)));
  return {
    attempts: sent.length,
    acceptedAtOnce,
    failed: failedRequests.length,
    hung,
    longestCallMs,
    errorKinds: [...errorKinds],
    completed: done.filter(Boolean).length,
  };
}

export function describeProbes(probes: ProbeFigures | undefined): string {
  if (!probes) return 'n/a';
  const failed = probes.failed > 0 ? `, ${probes.failed} failed with an error and were retried` : '';
  const longest = (probes.longestCallMs / 1000).toFixed(1);
  return `${probes.attempts} (${probes.acceptedAtOnce} accepted${failed}, ${probes.hung} hung, longest call ${longest} s)`;
}

// Milliseconds from `since` until every one of the returns is finished for its caller, or null if not in time.
export async function finishedWithin(
  model: FaultModel,
  returnIds: readonly string[],
  since: number,
  timeoutMs: number,
): Promise<number | null> {
  const all = (async () => {
    // In slices: a few thousand result calls at once would be a load test of their own.
    for (let index = 0; index < returnIds.length; index += 50) {
      await Promise.all(returnIds.slice(index, index + 50).map((returnId) => finished(model, returnId)));
    }
  })();
  return (await withTimeout(all, timeoutMs)) ? performance.now() - since : null;
}
