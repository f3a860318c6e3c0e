// The shape of results.json: raw figures per subject and phase, with the machine and options they were taken on.
import type { Team } from '../domain';
import type { PhaseCpu } from './cpu-meter';
import type { LatencySummary } from './lib/latency-histogram';
import type { SubjectKind, SubjectName, Verification } from './subjects/subject';

export type PhaseKind = 'warm-up' | 'ramp' | 'bisection' | 'rate' | 'latency' | 'outage';

export interface PhaseResult {
  readonly name: string;
  readonly kind: PhaseKind;
  readonly rate: number;
  readonly durationMs: number;
  readonly startedAt: string;
  // offered = completed + failed + dropped + unfinished
  readonly offered: number;
  readonly dispatched: number;
  readonly completed: number;
  readonly failed: number;
  readonly dropped: number;
  readonly unfinished: number;
  readonly completedWithinGrace: number;
  readonly failedWithinGrace: number;
  readonly graceMs: number;
  readonly achievedRatePerSecond: number;
  // Completed returns per second of the send phase plus the grace.
  readonly completedRatePerSecond: number;
  // From the intended send time to every team done (ms).
  readonly latency: LatencySummary;
  // Dispatch − intended send time: how late the generator itself was (ms).
  readonly lag: LatencySummary;
  readonly generatorKeptUp: boolean;
  readonly valid: boolean;
  readonly invalidReasons: readonly string[];
  readonly errors: readonly { readonly message: string; readonly count: number }[];
  readonly peakInFlight: number;
  // From the end of the send phase until the phase's last return completed (when it did).
  readonly drain: { readonly drained: boolean; readonly drainMs: number };
  readonly cpu: PhaseCpu & {
    readonly msPerReturn: Readonly<Record<string, number>>;
    readonly totalMsPerReturn: number;
  };
  // Attempts at this rate: a step whose generator fell behind is run once more.
  readonly attempts: number;
}

export interface RampStep {
  readonly rate: number;
  readonly kind: 'ramp' | 'bisection';
  readonly completionRatio: number;
  readonly backlogGrowth: number;
  readonly measurable: boolean;
  readonly sustainable: boolean;
  readonly reasons: readonly string[];
  readonly phase: PhaseResult;
}

export interface RampResult {
  // How the rates were chosen: a search (geometric steps and bisection) or --rates.
  readonly method: 'search' | 'rates';
  readonly criteria: { readonly minCompletionRatio: number; readonly maxBacklogGrowthRatio: number };
  readonly maxSustainableRate: number | null;
  // True when every step held: the maximum is then only a lower bound.
  readonly maxIsLowerBound: boolean;
  readonly firstUnsustainableRate: number | null;
  readonly stoppedBecause: string;
  readonly steps: readonly RampStep[];
}

export interface LatencyAtShare {
  readonly share: number;
  readonly phase: PhaseResult;
}

export interface BacklogSample {
  // Since the start of the phase.
  readonly tMs: number;
  readonly backlog: number;
  readonly perTeam?: Readonly<Record<Team, number>>;
}

export interface TeamLatencyDuringOutage {
  // How the team's completion time was read.
  readonly source: string;
  readonly returns: number;
  readonly perTeam: Readonly<Record<Team, LatencySummary>>;
}

export interface OutageResult {
  readonly team: Team;
  readonly signal: string;
  readonly rate: number;
  readonly preMs: number;
  readonly outageMs: number;
  readonly postMs: number;
  readonly phase: PhaseResult;
  // Milliseconds since the start of the phase.
  readonly killedAtMs: number;
  readonly restartedAtMs: number;
  readonly readyAtMs: number;
  // From the restart to the team's ready line (process start, and for choreography rebuilding its state).
  readonly restartReadyMs: number;
  // Choreography: how many of its own events the restarted team folded to rebuild its state.
  readonly rebuiltFromEvents: number | null;
  readonly baselineBacklog: number;
  readonly maxBacklog: number;
  readonly maxBacklogAtMs: number;
  // From the restart until the backlog is back at the level before the outage; null if it never was.
  readonly recoveryMs: number | null;
  readonly recoveredWhileLoaded: boolean;
  readonly timeline: readonly BacklogSample[];
  readonly teamLatency: TeamLatencyDuringOutage | null;
  readonly behaviour: string;
  readonly error?: string;
}

export interface SubjectResult {
  readonly name: SubjectName;
  readonly kind: SubjectKind;
  readonly label: string;
  readonly completionSignal: string;
  readonly ceilingName: SubjectName | null;
  readonly processes: readonly { readonly role: string; readonly pid: number; readonly readyAfterMs: number }[];
  readonly warmUp: PhaseResult | null;
  readonly ramp: RampResult | null;
  // The rate the latency shares and the outage load are taken of.
  readonly loadBasis: { readonly rate: number; readonly source: string } | null;
  readonly latency: readonly LatencyAtShare[];
  readonly outage: OutageResult | null;
  readonly verification: Verification | null;
  readonly childEvents: readonly {
    readonly role: string;
    readonly pid: number;
    readonly what: string;
    readonly detail: string;
  }[];
  readonly fractionOfCeiling: number | null;
  readonly error?: string;
}

export interface TargetResult {
  readonly subject: SubjectName;
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
  readonly verdict: string;
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly os: string;
  readonly arch: string;
  readonly node: string;
  readonly kafka: { readonly version: string; readonly source: string };
  readonly temporal: { readonly serverVersion: string; readonly cli: string };
  readonly servers: readonly { readonly role: string; readonly pid: number | null; readonly source: string }[];
  readonly loadAverageAtStart: readonly number[];
}

export interface BenchResults {
  readonly schema: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly complete: boolean;
  readonly command: string;
  readonly mode: 'quick' | 'full';
  readonly seed: number;
  readonly workload: {
    readonly poolSize: number;
    readonly models: readonly string[];
    readonly repeatedOrderShare: number;
    // Share of the returns Sales refuses; absent in reports from before the verdict gated the return.
    readonly refusedShare?: number;
    readonly note: string;
  };
  readonly machine: MachineInfo;
  readonly config: {
    readonly kafkaBrokers: readonly string[];
    readonly kafkaPartitions: number;
    readonly temporalAddress: string;
    readonly temporalNamespace: string;
    readonly scope: string;
  };
  readonly options: Readonly<Record<string, unknown>>;
  readonly tuning: Readonly<Record<string, unknown>>;
  readonly subjects: readonly SubjectResult[];
  readonly targets: readonly TargetResult[];
  readonly notes: readonly string[];
}
