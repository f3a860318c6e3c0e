// What the dashboard shows, kept live from the two ports alone: one row per return with each team's state in each
// model (the steps the teams stored, then the record that stands), when the return settled in each model and whether
// the outcomes are identical; once a second, the returns completed and each team's backlog in each model.
import { describeTeamRecords } from '../cli/describe-records';
import { describeDifference, firstDifference } from '../compare/first-difference';
import { type RefundRequest, type ReturnOutcome, type Team, TEAMS } from '../domain';
import { type Model, MODEL_NAMES, type ModelName, type ModelRole } from '../model/port';

// waiting: the team has stored nothing for the return; recorded: it stored a step (a unit held, a charge made)
// and the return has not settled in this model yet; settled: the model's outcome names the record that stands.
export type CellState = 'waiting' | 'recorded' | 'settled';

export interface CellView {
  state: CellState;
  // The team's stored steps for the return, in the order stored (StoredDecision.step).
  steps: string[];
  // The record that stands, in the words every command prints (cli/describe-records.ts).
  text: string | null;
}

export interface ModelRowView {
  handed: boolean;
  settledAt: string | null;
  // From the moment this dashboard handed the return over; null for a return it found in the scope.
  settledAfterMs: number | null;
  verdict: ReturnOutcome['verdict'] | null;
  teams: Record<Team, CellView>;
  error: string | null;
}

export interface RowView {
  returnId: string;
  // Order, model and site, when the dashboard submitted the return itself.
  summary: string;
  seq: number;
  models: Record<ModelName, ModelRowView>;
  // Once both outcomes are known: whether they are identical, and if not, the first difference.
  identical: boolean | null;
  difference: string | null;
}

export interface Sample {
  at: string;
  // Returns whose outcome arrived in the second before `at`.
  completed: Record<ModelName, number>;
  // Returns handed to the model that the team has stored nothing for yet.
  backlog: Record<ModelName, Record<Team, number>>;
}

export type ProcessState = 'running' | 'stopped' | 'stopping' | 'starting' | 'killing';

export interface ProcessView {
  model: ModelName;
  role: ModelRole;
  state: ProcessState;
}

export type BoardEvent =
  | { readonly type: 'rows'; readonly rows: readonly RowView[] }
  | { readonly type: 'sample'; readonly sample: Sample; readonly processes: readonly ProcessView[] }
  | { readonly type: 'processes'; readonly processes: readonly ProcessView[] }
  | { readonly type: 'notice'; readonly text: string };

export interface BoardSnapshot {
  readonly teams: readonly Team[];
  readonly rows: readonly RowView[];
  readonly samples: readonly Sample[];
  readonly processes: readonly ProcessView[];
}

interface Row {
  readonly view: RowView;
  readonly outcomes: Partial<Record<ModelName, ReturnOutcome>>;
  handedAtMs: number | null;
}

interface Refresh {
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  again: boolean;
}

// Five minutes of one sample a second.
const SAMPLES_KEPT = 300;
const FLUSH_MS = 250;
// Effects are read back whole (a team topic from offset 0): at most this often per model.
const REFRESH_MS = 400;
// A scope may hold the returns of earlier runs: the newest of them are shown.
const EXISTING_ROWS_SHOWN = 300;
// Returns some other process hands over are followed too, up to this many.
const ADOPTED_AT_MOST = 1_000;

const waitingCell = (): CellView => ({ state: 'waiting', steps: [], text: null });
const emptyModelRow = (): ModelRowView => ({
  handed: false,
  settledAt: null,
  settledAfterMs: null,
  verdict: null,
  teams: Object.fromEntries(TEAMS.map((team) => [team, waitingCell()])) as Record<Team, CellView>,
  error: null,
});

export function requestSummary(request: RefundRequest): string {
  return `order ${request.order.orderId} · ${request.model.modelId} · site ${request.location.siteId}`;
}

export class Board {
  private readonly rows = new Map<string, Row>();
  private readonly dirty = new Set<string>();
  private readonly samples: Sample[] = [];
  private readonly listeners = new Set<(event: BoardEvent) => void>();
  private readonly completedSinceSample: Record<ModelName, number> = { traditional: 0, 'event-sourced': 0 };
  private readonly pending = new Map<string, ProcessState>();
  private readonly refreshes: Record<ModelName, Refresh> = {
    traditional: { timer: undefined, running: false, again: false },
    'event-sourced': { timer: undefined, running: false, again: false },
  };
  private readonly unfollow: (() => void)[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private nextSeq = 1;
  private adopted = 0;
  private closed = false;

  constructor(
    readonly models: Readonly<Record<ModelName, Model>>,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    for (const name of MODEL_NAMES) {
      this.unfollow.push(
        models[name].onTeamRecord((returnId, team) => {
          const row = this.rows.get(returnId) ?? this.adopt(returnId);
          if (row) this.markRecorded(row, name, team);
        }),
      );
    }
    this.timers.push(
      setInterval(() => this.flush(), FLUSH_MS),
      setInterval(() => this.sample(), 1_000),
    );
  }

  // Rows for the returns the scope already holds (a demo run earlier, another process of the same scope), each
  // awaited in both models like a return handed over here.
  async loadExisting(): Promise<void> {
    const effects = await Promise.all(MODEL_NAMES.map((name) => this.models[name].effects()));
    const firstSeen = new Map<string, string>();
    for (const stored of effects) {
      for (const team of TEAMS) {
        for (const [returnId, decisions] of stored.decisions[team]) {
          const at = decisions[0]?.recordedAt ?? '';
          const known = firstSeen.get(returnId);
          if (known === undefined || at < known) firstSeen.set(returnId, at);
        }
      }
    }
    const newest = [...firstSeen]
      .sort(([, left], [, right]) => left.localeCompare(right))
      .slice(-EXISTING_ROWS_SHOWN)
      .map(([returnId]) => returnId);
    for (const returnId of newest) if (!this.rows.has(returnId)) this.adopt(returnId);
    for (const name of MODEL_NAMES) this.refreshSoon(name);
  }

  subscribe(listener: (event: BoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  returnIds(): string[] {
    return [...this.rows.keys()];
  }

  snapshot(): BoardSnapshot {
    return {
      teams: TEAMS,
      rows: [...this.rows.values()].map((row) => row.view),
      samples: [...this.samples],
      processes: this.processes(),
    };
  }

  // Hands the return to both models at once and follows it until both outcomes are known (or a model failed).
  async track(request: RefundRequest, summary = requestSummary(request)): Promise<void> {
    if (this.closed) return;
    let row = this.rows.get(request.returnId);
    if (!row) row = this.newRow(request.returnId, summary);
    else if (!row.view.summary) row.view.summary = summary;
    row.handedAtMs = Date.now();
    this.touch(row);
    await Promise.all(MODEL_NAMES.map((name) => this.follow(row, name, request)));
  }

  // The processes of each model and what each is doing, as the controls show them.
  processes(): ProcessView[] {
    return MODEL_NAMES.flatMap((model) =>
      this.models[model].processSpecs().map(({ role }) => ({
        model,
        role,
        state:
          this.pending.get(`${model}/${role}`) ??
          (this.models[model].processes?.process(role).running ? 'running' : 'stopped'),
      })),
    );
  }

  // Stops, starts or kills one of a model's processes through its port, showing the change while it happens.
  async control(model: ModelName, role: ModelRole, action: 'stop' | 'start' | 'kill'): Promise<void> {
    const key = `${model}/${role}`;
    this.pending.set(key, action === 'stop' ? 'stopping' : action === 'start' ? 'starting' : 'killing');
    this.emit({ type: 'processes', processes: this.processes() });
    try {
      const port = this.models[model];
      await (action === 'stop' ? port.stopTeam(role) : action === 'start' ? port.startTeam(role) : port.killTeam(role));
    } finally {
      this.pending.delete(key);
      this.emit({ type: 'processes', processes: this.processes() });
    }
  }

  notice(text: string): void {
    this.log(text);
    this.emit({ type: 'notice', text });
  }

  close(): void {
    this.closed = true;
    for (const stop of this.unfollow) stop();
    for (const timer of this.timers) clearInterval(timer);
    for (const refresh of Object.values(this.refreshes)) clearTimeout(refresh.timer);
    this.listeners.clear();
  }

  private newRow(returnId: string, summary: string): Row {
    const row: Row = {
      view: {
        returnId,
        summary,
        seq: this.nextSeq++,
        models: { traditional: emptyModelRow(), 'event-sourced': emptyModelRow() },
        identical: null,
        difference: null,
      },
      outcomes: {},
      handedAtMs: null,
    };
    this.rows.set(returnId, row);
    this.touch(row);
    return row;
  }

  // A return this dashboard did not hand over: followed in both models from what they stored.
  private adopt(returnId: string): Row | undefined {
    if (this.closed || this.adopted >= ADOPTED_AT_MOST) return undefined;
    this.adopted++;
    const row = this.newRow(returnId, '');
    for (const name of MODEL_NAMES) void this.awaitOutcome(row, name);
    return row;
  }

  private async follow(row: Row, name: ModelName, request: RefundRequest): Promise<void> {
    try {
      await this.models[name].accept(request);
      row.view.models[name].handed = true;
      row.view.models[name].error = null;
      this.touch(row);
    } catch (error) {
      this.fail(row, name, error);
      return;
    }
    await this.awaitOutcome(row, name);
  }

  private async awaitOutcome(row: Row, name: ModelName): Promise<void> {
    try {
      const outcome = await this.models[name].outcome(row.view.returnId);
      this.settle(row, name, outcome);
    } catch (error) {
      if (!this.closed) this.fail(row, name, error);
    }
  }

  private fail(row: Row, name: ModelName, error: unknown): void {
    row.view.models[name].error = (error as Error).message ?? String(error);
    this.touch(row);
  }

  private markRecorded(row: Row, name: ModelName, team: Team): void {
    const modelRow = row.view.models[name];
    modelRow.handed = true;
    if (modelRow.teams[team].state === 'waiting') {
      modelRow.teams[team].state = 'recorded';
      this.touch(row);
    }
    this.refreshSoon(name);
  }

  private settle(row: Row, name: ModelName, outcome: ReturnOutcome): void {
    if (this.closed) return;
    const modelRow = row.view.models[name];
    const described = describeTeamRecords(outcome);
    const now = Date.now();
    if (modelRow.settledAt === null && row.handedAtMs !== null) this.completedSinceSample[name]++;
    modelRow.handed = true;
    modelRow.settledAt = new Date(now).toISOString();
    modelRow.settledAfterMs = row.handedAtMs === null ? null : now - row.handedAtMs;
    modelRow.verdict = outcome.verdict;
    modelRow.error = null;
    for (const team of TEAMS) {
      modelRow.teams[team].state = 'settled';
      modelRow.teams[team].text = described[team];
    }
    row.outcomes[name] = outcome;
    const { traditional, 'event-sourced': eventSourced } = row.outcomes;
    if (traditional && eventSourced) {
      const difference = firstDifference(traditional, eventSourced);
      row.view.identical = difference === null;
      row.view.difference = difference
        ? describeDifference('outcomes differ', difference, 'traditional', 'event-sourced')
        : null;
    }
    this.touch(row);
    this.refreshSoon(name);
  }

  // Reads the model's stored steps back soon; calls meanwhile are folded into one read.
  private refreshSoon(name: ModelName): void {
    const refresh = this.refreshes[name];
    if (this.closed) return;
    if (refresh.timer || refresh.running) {
      refresh.again = true;
      return;
    }
    refresh.timer = setTimeout(() => void this.refreshSteps(name), REFRESH_MS);
  }

  private async refreshSteps(name: ModelName): Promise<void> {
    const refresh = this.refreshes[name];
    refresh.timer = undefined;
    refresh.running = true;
    refresh.again = false;
    try {
      const effects = await this.models[name].effects();
      for (const team of TEAMS) {
        for (const [returnId, decisions] of effects.decisions[team]) {
          const row = this.rows.get(returnId);
          if (!row) continue;
          const cell = row.view.models[name].teams[team];
          const steps = decisions.map(({ step }) => step);
          if (steps.join() === cell.steps.join()) continue;
          cell.steps = steps;
          if (cell.state === 'waiting') cell.state = 'recorded';
          row.view.models[name].handed = true;
          this.touch(row);
        }
      }
    } catch (error) {
      if (!this.closed) this.log(`could not read the ${name} model's stored steps: ${(error as Error).message}`);
    } finally {
      refresh.running = false;
      if (refresh.again) this.refreshSoon(name);
    }
  }

  private touch(row: Row): void {
    this.dirty.add(row.view.returnId);
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    const rows = [...this.dirty].flatMap((returnId) => this.rows.get(returnId)?.view ?? []);
    this.dirty.clear();
    this.emit({ type: 'rows', rows });
  }

  private sample(): void {
    const backlog = Object.fromEntries(
      MODEL_NAMES.map((name) => [name, Object.fromEntries(TEAMS.map((team) => [team, 0]))]),
    ) as Record<ModelName, Record<Team, number>>;
    const unsettled = new Set<ModelName>();
    for (const { view } of this.rows.values()) {
      for (const name of MODEL_NAMES) {
        const modelRow = view.models[name];
        if (!modelRow.handed || modelRow.settledAt !== null) continue;
        unsettled.add(name);
        for (const team of TEAMS) if (modelRow.teams[team].state === 'waiting') backlog[name][team]++;
      }
    }
    // The live feed names a team once its record stands; a step that does not stand yet (a unit held while Sales
    // is down) shows from the stored steps, read again while any return is unsettled.
    for (const name of unsettled) this.refreshSoon(name);
    const sample: Sample = { at: new Date().toISOString(), completed: { ...this.completedSinceSample }, backlog };
    for (const name of MODEL_NAMES) this.completedSinceSample[name] = 0;
    this.samples.push(sample);
    if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
    this.emit({ type: 'sample', sample, processes: this.processes() });
  }

  private emit(event: BoardEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
