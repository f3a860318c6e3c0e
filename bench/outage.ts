// One team's outage under load: the team's process is killed (SIGKILL) and started again while returns keep
// coming, and the backlog, the recovery and each team's latency over the outage are measured.
import { performance } from 'node:perf_hooks';
import { type Team, TEAMS, perTeam } from '../domain';
import { LatencyHistogram } from './lib/latency-histogram';
import { formatRate, type IndexAllocator, type PhaseSettings, runLoadPhase } from './load-phase';
import type { BacklogSample, OutageResult, TeamLatencyDuringOutage } from './results';
import { restartTeam, teamCompletions } from './subjects/drive';
import type { Subject } from './subjects/subject';

export interface OutagePlan {
  readonly team: Team;
  readonly rate: number;
  readonly preMs: number;
  readonly outageMs: number;
  readonly postMs: number;
}

const BACKLOG_SAMPLE_MS = 250;

interface OutageMarks {
  killedAtMs: number;
  restartedAtMs: number;
  readyAtMs: number;
  rebuiltFromEvents: number | null;
  error?: string;
}

export async function runOutage(
  subject: Subject,
  indexes: IndexAllocator,
  plan: OutagePlan,
  settings: PhaseSettings,
): Promise<OutageResult> {
  const { team, rate, preMs, outageMs, postMs } = plan;
  const intervalMs = 1000 / rate;
  const marks: OutageMarks = {
    killedAtMs: Number.NaN,
    restartedAtMs: Number.NaN,
    readyAtMs: Number.NaN,
    rebuiltFromEvents: null,
  };
  // Each team's answers as the driver sees them (choreography): [intended ms since t0, latency ms].
  const answers: Record<Team, number[]> = perTeam(() => []);
  const outcome = await runLoadPhase(
    subject,
    indexes,
    {
      name: `outage of ${team} (${formatRate(rate)}/s)`,
      kind: 'outage',
      rate,
      durationMs: preMs + outageMs + postMs,
      sampleBacklogEveryMs: BACKLOG_SAMPLE_MS,
      ...(subject.seesTeams
        ? {
            onTeam: (localIndex: number, answering: Team, latencyMs: number) =>
              answers[answering].push(localIndex * intervalMs, latencyMs),
          }
        : {}),
      actions: [
        { atMs: preMs, run: (sinceStart) => killTeam(subject, team, marks, sinceStart) },
        { atMs: preMs + outageMs, run: (sinceStart) => restartAfterOutage(subject, team, marks, sinceStart) },
      ],
    },
    settings,
  );
  const { phase, timeline, sendEndMs } = outcome;
  const backlog = backlogFigures(timeline, marks);
  // The returns intended while the team was down.
  const intended = {
    first: Math.ceil(marks.killedAtMs / intervalMs),
    end: Math.ceil(marks.restartedAtMs / intervalMs),
    intervalMs,
  };
  return {
    team,
    signal: 'SIGKILL',
    rate,
    preMs,
    outageMs,
    postMs,
    phase,
    killedAtMs: marks.killedAtMs,
    restartedAtMs: marks.restartedAtMs,
    readyAtMs: marks.readyAtMs,
    restartReadyMs: marks.readyAtMs - marks.restartedAtMs,
    rebuiltFromEvents: marks.rebuiltFromEvents,
    baselineBacklog: backlog.baselineBacklog,
    maxBacklog: backlog.maxBacklog,
    maxBacklogAtMs: backlog.maxBacklogAtMs,
    recoveryMs: backlog.recovered ? backlog.recovered.tMs - marks.restartedAtMs : null,
    recoveredWhileLoaded: backlog.recovered !== undefined && backlog.recovered.tMs <= sendEndMs,
    timeline,
    teamLatency: await teamLatencyDuringOutage(subject, marks, answers, {
      ...intended,
      base: outcome.base,
      t0: outcome.t0,
    }),
    behaviour: behaviourOf(subject, team),
    ...(marks.error ? { error: marks.error } : {}),
  };
}

async function killTeam(subject: Subject, team: Team, marks: OutageMarks, sinceStart: () => number): Promise<void> {
  marks.killedAtMs = sinceStart();
  try {
    await subject.door.killTeam(team);
  } catch (caught) {
    marks.error = `could not stop ${team}: ${(caught as Error).message}`;
    throw caught;
  }
}

async function restartAfterOutage(
  subject: Subject,
  team: Team,
  marks: OutageMarks,
  sinceStart: () => number,
): Promise<void> {
  marks.restartedAtMs = sinceStart();
  try {
    const running = await restartTeam(subject, team);
    if (running.note !== null && /^\d+$/.test(running.note)) marks.rebuiltFromEvents = Number(running.note);
  } catch (caught) {
    marks.error = `could not restart ${team}: ${(caught as Error).message}`;
    throw caught;
  }
  marks.readyAtMs = sinceStart();
}

// The backlog before the kill, its peak, and the first sample after the restart back at the level before.
function backlogFigures(timeline: readonly BacklogSample[], marks: OutageMarks) {
  const before = timeline.filter((sampleAt) => sampleAt.tMs < marks.killedAtMs);
  const baselineBacklog = Math.max(0, ...before.map((sampleAt) => sampleAt.backlog));
  let maxBacklog = 0;
  let maxBacklogAtMs = 0;
  for (const sampleAt of timeline) {
    if (sampleAt.backlog > maxBacklog) {
      maxBacklog = sampleAt.backlog;
      maxBacklogAtMs = sampleAt.tMs;
    }
  }
  const recovered = Number.isFinite(marks.restartedAtMs)
    ? timeline.find((sampleAt) => sampleAt.tMs >= marks.restartedAtMs && sampleAt.backlog <= baselineBacklog)
    : undefined;
  return { baselineBacklog, maxBacklog, maxBacklogAtMs, recovered };
}

interface IntendedDuringOutage {
  // Local indexes [first, end) of the returns intended while the team was down.
  readonly first: number;
  readonly end: number;
  readonly intervalMs: number;
  // The phase's first return index, and performance.now() at its first intended send.
  readonly base: number;
  readonly t0: number;
}

// Each team's latency for the returns intended while the team was down: as the driver saw each team answer, or
// else from each team's own records.
async function teamLatencyDuringOutage(
  subject: Subject,
  marks: OutageMarks,
  answers: Readonly<Record<Team, readonly number[]>>,
  { first, end, intervalMs, base, t0 }: IntendedDuringOutage,
): Promise<TeamLatencyDuringOutage | null> {
  if (!Number.isFinite(first) || !Number.isFinite(end) || end <= first) return null;
  const histograms = perTeam(() => new LatencyHistogram());
  let source: string | null = null;
  if (subject.seesTeams) {
    source = "the driver's tail of each team's topic: from the intended send to the team's event being seen";
    for (const each of TEAMS) {
      const pairs = answers[each];
      for (let at = 0; at < pairs.length; at += 2) {
        if (pairs[at] >= marks.killedAtMs && pairs[at] < marks.restartedAtMs) histograms[each].record(pairs[at + 1]);
      }
    }
  } else {
    const returnIdOf = new Map<string, number>();
    for (let localIndex = first; localIndex < end; localIndex += 1)
      returnIdOf.set(subject.workload.returnId(base + localIndex), localIndex);
    const completions = await teamCompletions(subject, [...returnIdOf.keys()]);
    if (completions)
      source =
        "each team's own record (its recordedAt, by the team's clock): from the intended send to the team recording its part";
    const wallT0 = performance.timeOrigin + t0;
    for (const completion of completions ?? []) {
      const localIndex = returnIdOf.get(completion.returnId);
      if (localIndex === undefined) continue;
      histograms[completion.team].record(completion.recordedAtMs - (wallT0 + localIndex * intervalMs));
    }
  }
  if (!source) return null;
  return {
    source,
    returns: end - first,
    perTeam: perTeam((each) => histograms[each].summary()),
  };
}

function behaviourOf(subject: Subject, team: Team): string {
  switch (subject.name) {
    case 'choreography':
      return `${team}'s requests wait on the request topic under its group's last commit; the other teams consume and answer as before. On restart ${team} rebuilds its state from its own topic, rejoins its group and works off the backlog.`;
    case 'orchestration-parallel':
      return `Each workflow schedules all four activities at once: Sales, Manufacturing and Accounting answer as before, ${team}'s activity tasks wait on its task queue (those it held when killed are retried after the 10 s start-to-close timeout), and every workflow waits for ${team} before it completes.`;
    case 'orchestration-sequential':
      return `Each workflow calls the teams in order: Sales answers, then the workflow waits on ${team}'s task queue, and Manufacturing and Accounting are not even asked until ${team} is back, so their work is delayed by the whole outage.`;
    default:
      return '';
  }
}
