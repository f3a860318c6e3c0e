// The targets each model is held to, how each was met or missed, and notes on where the time goes, all computed
// from the figures of the run.
import { formatRate } from './format';
import type { MachineInfo, PhaseResult, SubjectResult, TargetResult } from '../results';
import type { SubjectName } from '../subjects/subject';

interface RateTargets {
  readonly subject: SubjectName;
  readonly maxRate: number;
  readonly p99At50PercentMs: number;
  readonly fractionOfCeiling: number;
}

// For a 2-core machine with both servers local.
export const TARGETS: readonly RateTargets[] = [
  { subject: 'choreography', maxRate: 2000, p99At50PercentMs: 50, fractionOfCeiling: 0.6 },
  { subject: 'orchestration-parallel', maxRate: 150, p99At50PercentMs: 250, fractionOfCeiling: 0.6 },
];

export function fractionsOfCeilings(
  subjects: readonly SubjectResult[],
  ceilingOf: Partial<Record<SubjectName, SubjectName>>,
): SubjectResult[] {
  return subjects.map((subject) => {
    const ceilingName = ceilingOf[subject.name];
    const ceiling = ceilingName ? subjects.find((candidate) => candidate.name === ceilingName) : undefined;
    const mine = subject.ramp?.maxSustainableRate;
    const theirs = ceiling?.ramp?.maxSustainableRate;
    const fraction = mine !== null && mine !== undefined && theirs ? mine / theirs : null;
    return { ...subject, fractionOfCeiling: fraction };
  });
}

const rate = formatRate;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

export function latencyPhaseAt(subject: SubjectResult, share: number): PhaseResult | undefined {
  return subject.latency.find((entry) => Math.abs(entry.share - share) < 1e-9)?.phase;
}

export function evaluateTargets(
  subjects: readonly SubjectResult[],
  options: { readonly quick: boolean },
): TargetResult[] {
  const results: TargetResult[] = [];
  for (const target of TARGETS) {
    const subject = subjects.find((candidate) => candidate.name === target.subject);
    if (!subject) continue;
    results.push(
      maxRateTarget(subject, target, options),
      p99Target(subject, target),
      ceilingShareTarget(subject, target, subjects),
    );
  }
  for (const subject of subjects.filter((candidate) => candidate.kind === 'implementation'))
    results.push(...correctnessTargets(subject));
  return results;
}

function maxRateTarget(
  subject: SubjectResult,
  target: RateTargets,
  options: { readonly quick: boolean },
): TargetResult {
  const ramp = subject.ramp;
  const max = ramp?.maxSustainableRate ?? null;
  if (max === null || ramp === null) {
    return {
      subject: subject.name,
      what: 'max sustainable rate',
      target: `≥ ${rate(target.maxRate)}`,
      measured: 'none',
      met: false,
      verdict: `missed: no step was sustainable${ramp ? ` (${ramp.stoppedBecause})` : ''}`,
    };
  } else if (max >= target.maxRate) {
    return {
      subject: subject.name,
      what: 'max sustainable rate',
      target: `≥ ${rate(target.maxRate)}`,
      measured: `${ramp.maxIsLowerBound ? '≥ ' : ''}${rate(max)}`,
      met: true,
      verdict: `met: ${rate(max)} ≥ ${rate(target.maxRate)}`,
    };
  } else if (ramp.maxIsLowerBound) {
    return {
      subject: subject.name,
      what: 'max sustainable rate',
      target: `≥ ${rate(target.maxRate)}`,
      measured: `≥ ${rate(max)}`,
      met: null,
      verdict: `not established: every rate measured held, up to ${rate(max)}${options.quick ? ' (quick mode does not search for the maximum)' : ''}`,
    };
  } else {
    return {
      subject: subject.name,
      what: 'max sustainable rate',
      target: `≥ ${rate(target.maxRate)}`,
      measured: rate(max),
      met: false,
      verdict: `missed by ${rate(target.maxRate - max)} (${rate(max)} is ${percent(max / target.maxRate)} of ${rate(target.maxRate)})`,
    };
  }
}

function p99Target(subject: SubjectResult, target: RateTargets): TargetResult {
  const max = subject.ramp?.maxSustainableRate ?? null;
  const half = max === null ? undefined : latencyPhaseAt(subject, 0.5);
  if (!half) {
    return {
      subject: subject.name,
      what: 'p99 latency at 50% of max',
      target: `≤ ${ms(target.p99At50PercentMs)}`,
      measured: 'not measured',
      met: null,
      verdict: 'not measured (no sustainable maximum)',
    };
  } else {
    const p99 = half.latency.p99;
    const base = {
      subject: subject.name,
      what: 'p99 latency at 50% of max',
      target: `≤ ${ms(target.p99At50PercentMs)}`,
      measured: `${ms(p99)} at ${rate(half.rate)}`,
    };
    if (!half.valid) {
      return {
        ...base,
        met: null,
        verdict: `invalid run (${half.invalidReasons.join('; ')}): p99 ${ms(p99)} against ≤ ${ms(target.p99At50PercentMs)}`,
      };
    } else if (p99 <= target.p99At50PercentMs) {
      return { ...base, met: true, verdict: `met: ${ms(p99)} ≤ ${ms(target.p99At50PercentMs)}` };
    } else {
      return {
        ...base,
        met: false,
        verdict: `missed by ${ms(p99 - target.p99At50PercentMs)} (${ms(p99)} > ${ms(target.p99At50PercentMs)})`,
      };
    }
  }
}

function ceilingShareTarget(
  subject: SubjectResult,
  target: RateTargets,
  subjects: readonly SubjectResult[],
): TargetResult {
  const ramp = subject.ramp;
  const max = ramp?.maxSustainableRate ?? null;
  const ceiling = subjects.find((candidate) => candidate.name === subject.ceilingName);
  if (subject.fractionOfCeiling === null || !ceiling) {
    return {
      subject: subject.name,
      what: 'share of its platform ceiling',
      target: `≥ ${percent(target.fractionOfCeiling)}`,
      measured: 'not measured',
      met: null,
      verdict: ceiling ? 'not measured (no sustainable maximum on one side)' : 'not measured (ceilings skipped)',
    };
  } else {
    const fraction = subject.fractionOfCeiling;
    const ceilingMax = ceiling.ramp?.maxSustainableRate ?? 0;
    const measured = `${percent(fraction)} (${rate(max ?? 0)} of ${rate(ceilingMax)})`;
    const base = {
      subject: subject.name,
      what: 'share of its platform ceiling',
      target: `≥ ${percent(target.fractionOfCeiling)}`,
      measured,
    };
    const reached = fraction >= target.fractionOfCeiling;
    // A maximum that held at every rate measured is a lower bound: the ceiling's makes the share an upper
    // bound, the model's a lower bound; only a bound on the right side settles the target.
    const ceilingIsBound = ceiling.ramp?.maxIsLowerBound === true;
    const mineIsBound = ramp?.maxIsLowerBound === true;
    const settled = ceilingIsBound && mineIsBound ? false : ceilingIsBound ? !reached : mineIsBound ? reached : true;
    if (!settled) {
      return {
        ...base,
        met: null,
        verdict: `not established: ${percent(fraction)}, but ${ceilingIsBound ? `the ceiling held every rate measured (up to ${rate(ceilingMax)})` : ''}${ceilingIsBound && mineIsBound ? ' and ' : ''}${mineIsBound ? `the model held every rate measured (up to ${rate(max ?? 0)})` : ''}`,
      };
    } else if (reached) {
      return { ...base, met: true, verdict: `met: ${percent(fraction)} ≥ ${percent(target.fractionOfCeiling)}` };
    } else {
      return {
        ...base,
        met: false,
        verdict: `missed by ${((target.fractionOfCeiling - fraction) * 100).toFixed(0)} points (${percent(fraction)} < ${percent(target.fractionOfCeiling)})`,
      };
    }
  }
}

// Correctness, for every model measured: nothing lost, nothing done twice.
function correctnessTargets(subject: SubjectResult): TargetResult[] {
  const results: TargetResult[] = [];
  const verification = subject.verification;
  results.push({
    subject: subject.name,
    what: 'lost returns',
    target: '0',
    measured: verification ? String(verification.lost) : 'not checked',
    met: verification ? verification.lost === 0 : null,
    verdict: verification
      ? verification.lost === 0
        ? `met: all ${verification.sent.toLocaleString('en-US')} returns sent are recorded by every team`
        : `missed: ${verification.lost} returns lack a team's record (e.g. ${verification.lostExamples.slice(0, 3).join(', ')})`
      : 'not checked',
  });
  results.push({
    subject: subject.name,
    what: 'duplicated effects',
    target: '0',
    measured: verification ? String(verification.duplicatedEffects) : 'not checked',
    met: verification ? verification.duplicatedEffects === 0 : null,
    verdict: verification
      ? verification.duplicatedEffects === 0
        ? `met: one record per return and team (${verification.method})`
        : `missed: ${verification.duplicatedEffects} records or events beyond one per return and team`
      : 'not checked',
  });
  return results;
}

// The phase that says most about cost: the 50% latency phase of a model, the highest sustainable step otherwise.
export function representativePhase(subject: SubjectResult): PhaseResult | undefined {
  const half = latencyPhaseAt(subject, 0.5);
  if (half) return half;
  const held = subject.ramp?.steps.filter((step) => step.sustainable) ?? [];
  return held.length > 0 ? held.reduce((best, step) => (step.rate > best.rate ? step : best)).phase : undefined;
}

// The first step that did not hold: what was saturated there.
function saturatedStep(subject: SubjectResult): PhaseResult | undefined {
  const ramp = subject.ramp;
  if (!ramp || ramp.firstUnsustainableRate === null) return undefined;
  return ramp.steps.find((step) => step.rate === ramp.firstUnsustainableRate && step.measurable && !step.sustainable)
    ?.phase;
}

// What held the rate down: the machine's cores (the measured processes and everything else on it), or a wait.
function saturation(phase: PhaseResult, cpus: number): string {
  const ours = phase.cpu.roles.reduce((sum, role) => sum + role.cores, 0);
  const machineBusy = phase.cpu.machineBusyCores ?? ours;
  const others = phase.cpu.otherProcessesCores;
  const split =
    others !== null && others >= 0.1
      ? ` (${ours.toFixed(2)} by the measured processes, ${others.toFixed(2)} by other processes)`
      : '';
  return machineBusy >= cpus * 0.85
    ? `the machine kept ${machineBusy.toFixed(2)} of ${cpus} cores busy${split}: it was CPU-bound`
    : `the machine kept ${machineBusy.toFixed(2)} of ${cpus} cores busy${split}: not CPU-bound, so the limit is a wait (round trips, batching, concurrency limits)`;
}

// The model against its ceiling at the highest rate both held: what the model's own work adds per return.
function sameRateComparison(subject: SubjectResult, ceiling: SubjectResult): string | null {
  const held = (candidate: SubjectResult) =>
    new Map(
      (candidate.ramp?.steps ?? [])
        .filter((step) => step.sustainable && step.phase.completed > 0)
        .map((step) => [step.rate, step.phase]),
    );
  const mine = held(subject);
  const theirs = held(ceiling);
  const shared = [...mine.keys()].filter((candidate) => theirs.has(candidate));
  if (shared.length === 0) return null;
  const at = Math.max(...shared);
  const model = mine.get(at) as PhaseResult;
  const bare = theirs.get(at) as PhaseResult;
  const teams = (phase: PhaseResult) =>
    phase.cpu.roles
      .filter((role) => !['driver', 'kafka-server', 'temporal-server'].includes(role.role))
      .reduce((sum, role) => sum + role.cpuMs, 0) / phase.completed;
  return `At ${rate(at)}, the highest rate both held, it cost ${model.cpu.totalMsPerReturn.toFixed(2)} CPU ms per return against ${bare.cpu.totalMsPerReturn.toFixed(2)} for ${ceiling.label} (team processes ${teams(model).toFixed(2)} against ${teams(bare).toFixed(2)} ms), and its p99 was ${ms(model.latency.p99)} against ${ms(bare.latency.p99)}.`;
}

export function writeNotes(
  subjects: readonly SubjectResult[],
  targets: readonly TargetResult[],
  machine: MachineInfo,
): string[] {
  const notes: string[] = [];
  notes.push(
    `Everything ran on one machine with ${machine.cpus} CPU core(s): the team processes, the driver and both servers compete for them, so the maxima are those of the whole local deployment, not of either platform alone.`,
  );
  const others = subjects
    .flatMap((subject) => [
      ...(subject.ramp?.steps.map((step) => step.phase) ?? []),
      ...subject.latency.map((entry) => entry.phase),
      ...(subject.outage ? [subject.outage.phase] : []),
    ])
    .map((phase) => phase.cpu.otherProcessesCores)
    .filter((cores): cores is number => cores !== null);
  if (others.length > 0) {
    const mean = others.reduce((sum, cores) => sum + cores, 0) / others.length;
    const peak = Math.max(...others);
    notes.push(
      mean >= 0.1 * machine.cpus
        ? `The machine was shared: processes other than the ones measured kept ${mean.toFixed(2)} cores busy on average over the measured phases (up to ${peak.toFixed(2)}), so these figures are lower than the same code would reach on a quiet machine; latency and generator lag suffer most.`
        : `The machine was quiet: processes other than the ones measured used ${mean.toFixed(2)} cores on average over the measured phases (at most ${peak.toFixed(2)}).`,
    );
  }
  for (const subject of subjects) {
    const phase = representativePhase(subject);
    if (!phase || phase.completed === 0) continue;
    const roles = [...phase.cpu.roles].sort((left, right) => right.cpuMs - left.cpuMs);
    const top = roles
      .slice(0, 3)
      .map((role) => `${role.role} ${(role.cpuMs / phase.completed).toFixed(2)} ms`)
      .join(', ');
    const perReturn = phase.cpu.totalMsPerReturn;
    const bound = perReturn > 0 ? (machine.cpus * 1000) / perReturn : 0;
    const idle =
      phase.rate < 10 ? ' (at so low a rate, the idle polling of workers and servers is a large part of it)' : '';
    let line = `${subject.label}: ${perReturn.toFixed(2)} CPU ms per return over all measured processes at ${rate(phase.rate)}${idle} (largest: ${top}); at that cost ${machine.cpus} cores could serve at most about ${rate(bound)}.`;
    const saturated = saturatedStep(subject);
    if (saturated)
      line += ` At ${rate(saturated.rate)}, the lowest rate that did not hold, ${saturation(saturated, machine.cpus)}.`;
    const ceiling = subjects.find((candidate) => candidate.name === subject.ceilingName);
    const compared = ceiling ? sameRateComparison(subject, ceiling) : null;
    if (compared) line += ` ${compared}`;
    notes.push(line);
  }
  for (const target of targets) {
    if (target.met !== false) continue;
    const subject = subjects.find((candidate) => candidate.name === target.subject);
    if (!subject) continue;
    notes.push(`${subject.label}, ${target.what}: ${target.verdict}. ${gapAdvice(subject)}`);
  }
  for (const subject of subjects) {
    const outage = subject.outage;
    if (!outage) continue;
    const recovery =
      outage.recoveryMs === null
        ? 'it had not recovered when the run ended'
        : `it was back to its pre-outage backlog ${(outage.recoveryMs / 1000).toFixed(1)} s after the restart`;
    notes.push(
      `${subject.label}, outage of ${outage.team} for ${(outage.outageMs / 1000).toFixed(0)} s at ${rate(outage.rate)}: the backlog peaked at ${outage.maxBacklog.toLocaleString('en-US')} returns; the restarted process was ready after ${(outage.restartReadyMs / 1000).toFixed(1)} s and ${recovery}. ${outage.behaviour}`,
    );
  }
  return notes;
}

function gapAdvice(subject: SubjectResult): string {
  const phase = saturatedStep(subject) ?? representativePhase(subject);
  const ranked =
    phase && phase.completed > 0 ? [...phase.cpu.roles].sort((left, right) => right.cpuMs - left.cpuMs) : [];
  const heaviest = ranked[0]?.role;
  const where =
    phase && heaviest
      ? `At ${rate(phase.rate)} the most CPU per return went to ${ranked
          .slice(0, 3)
          .map((role) => `${role.role} (${(role.cpuMs / phase.completed).toFixed(2)} ms)`)
          .join(', ')}. `
      : '';
  if (subject.name === 'choreography') {
    const low = latencyPhaseAt(subject, 0.25);
    const high = latencyPhaseAt(subject, 0.8);
    const busy = (measured: PhaseResult | undefined) =>
      measured?.cpu.roles.reduce((sum, role) => sum + role.cores, 0) ?? 0;
    const flat = low && high && busy(high) > 0 && busy(low) >= 0.7 * busy(high);
    const cpuShape = flat
      ? `The measured processes used ${busy(low).toFixed(2)} cores at 25% of the maximum and ${busy(high).toFixed(2)} at 80%: their CPU use hardly depends on the rate. Every fetch that finds a record returns at once (minBytes 1), and each costs the team a fetch, an append and a commit round trip, so at moderate rates the batches hold one or two records and the consumers take whatever CPU there is; batches grow only once the cores are saturated. Latency at moderate load is then mostly waiting for a core. `
      : '';
    const advice =
      'What would close the gap: fetch batching in the team consumers (KAFKA_FETCH_MIN_BYTES with a KAFKA_FETCH_MAX_WAIT_MS of a few ms, so a fetch carries a batch instead of a record), fewer partitions per team (the model runs one instance per team, so partitions add requests and no parallelism), validating a request once at the edge rather than again in every subscriber, and a client that batches natively (librdkafka through @confluentinc/kafka-javascript, which event-log.ts was written to allow).';
    return `${where}${cpuShape}${advice}`;
  }
  if (subject.name.startsWith('orchestration')) {
    const server =
      heaviest === 'temporal-server'
        ? "The Temporal server is the bottleneck: each return costs it a workflow start, four activity schedules and completions and the workflow tasks that resume the workflow, each a transaction in the dev server's SQLite store (a pure-Go SQLite). The Temporal ceiling, an empty workflow with four no-op activities, costs nearly as much per return, so the gap is what the platform costs on this machine, not the domain code. "
        : heaviest === 'user-support'
          ? 'The workflow worker is the bottleneck: every workflow task is replayed or resumed in the workflow sandbox. '
          : '';
    const advice =
      "What would close the gap: more cores, or the Temporal server on machines of its own with a production database (PostgreSQL or Cassandra, several history shards) instead of the dev server sharing 2 cores with the teams. Worker concurrency options (maxConcurrentWorkflowTaskExecutions, maxCachedWorkflows, poller counts) do not lift a limit that is the machine's cores.";
    return `${where}${server}${advice}`;
  }
  return where;
}
