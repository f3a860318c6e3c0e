// The benchmark's quick mode, run once as a user would run it: the report must be produced and agree with itself.
// Speed is never checked here; what is checked is that every return is accounted for, none is lost, no team did
// anything twice, and the files are there and well-formed.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResults, PhaseResult, SubjectResult } from '../../bench/results';
import { xmlProblems } from '../bench-lib/well-formed-xml';
import { type Finished, ScriptProcess } from '../../model/script-process';

const RUN_TIMEOUT_MS = 6 * 60_000;

// Interrupted as Ctrl-C would, short of the test's own limit, so that the run's output still says where it was.
async function runBench(args: readonly string[]): Promise<Finished> {
  const bench = ScriptProcess.npm('bench', args, {});
  const timer = setTimeout(() => bench.signalGroup('SIGINT'), RUN_TIMEOUT_MS - 20_000);
  try {
    return await bench.finished;
  } finally {
    clearTimeout(timer);
  }
}

function phasesOf(subject: SubjectResult): { label: string; phase: PhaseResult }[] {
  return [
    ...(subject.warmUp ? [subject.warmUp] : []),
    ...(subject.ramp?.steps.map((step) => step.phase) ?? []),
    ...subject.latency.map((entry) => entry.phase),
    ...(subject.outage ? [subject.outage.phase] : []),
  ].map((phase) => ({ label: `${subject.name} ${phase.name}`, phase }));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('Benchmark, quick mode (npm run bench -- --quick)', function () {
  this.timeout(RUN_TIMEOUT_MS);
  let out: string;
  let run: Finished;
  let results: BenchResults;

  before(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'bench-quick-'));
    run = await runBench(['--quick', '--out', out]);
    const file = path.join(out, 'results.json');
    assert.ok(existsSync(file), `no results.json; the run ended with code ${run.code}:\n${run.stderr.slice(-3000)}`);
    results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  });

  after(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  describe('when it has run', () => {
    it('should exit 0 and say where the results are', () => {
      assert.equal(run.code, 0, run.stderr.slice(-3000));
      assert.ok(run.stdout.includes(out), run.stdout);
    });

    it('should record the machine, the options, the seed and when it ran', () => {
      assert.equal(results.schema, 1);
      assert.equal(results.mode, 'quick');
      assert.equal(results.complete, true);
      assert.ok(results.machine.cpus >= 1);
      assert.ok(results.machine.memoryBytes > 0);
      assert.match(results.machine.node, /^v\d+/);
      assert.ok(results.machine.kafka.version.length > 0);
      assert.ok(results.machine.temporal.serverVersion.length > 0);
      assert.equal(typeof results.seed, 'number');
      assert.ok(Date.parse(results.finishedAt) >= Date.parse(results.startedAt));
      assert.ok(results.config.scope.length > 0);
    });

    it('should measure both models, each with its platform ceiling', () => {
      const names = results.subjects.map((subject) => subject.name);
      for (const name of [
        'choreography',
        'orchestration-parallel',
        'kafka-ceiling',
        'temporal-ceiling-parallel',
      ] as const) {
        assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
      }
      for (const subject of results.subjects) {
        assert.equal(subject.error, undefined, `${subject.name}: ${subject.error}`);
        assert.ok((subject.ramp?.steps.length ?? 0) > 0, `${subject.name} has no ramp step`);
      }
    });
  });

  describe('when the phases are added up', () => {
    it('should account for every return offered: completed + failed + dropped + unfinished', () => {
      for (const subject of results.subjects) {
        for (const { label, phase } of phasesOf(subject)) {
          assert.ok(phase.offered > 0, `${label}: nothing offered`);
          assert.equal(
            phase.completed + phase.failed + phase.dropped + phase.unfinished,
            phase.offered,
            `${label} does not add up`,
          );
          assert.equal(phase.dispatched + phase.dropped, phase.offered, `${label}: dispatched + dropped != offered`);
          assert.equal(phase.latency.count, phase.completed, `${label}: a completed return has no latency`);
          assert.ok(phase.completedWithinGrace <= phase.completed, label);
        }
      }
    });

    it('should give each ramp step a verdict that follows from its own counts', () => {
      for (const subject of results.subjects) {
        const ramp = subject.ramp;
        assert.ok(ramp);
        for (const step of ramp.steps) {
          assert.equal(step.phase.rate, step.rate);
          if (step.sustainable)
            assert.ok(step.completionRatio >= ramp.criteria.minCompletionRatio, `${subject.name} ${step.rate}/s`);
        }
        const held = ramp.steps.filter((step) => step.sustainable).map((step) => step.rate);
        if (ramp.maxSustainableRate !== null)
          assert.ok(held.includes(ramp.maxSustainableRate), `${subject.name}: max is not a sustainable step`);
      }
    });

    it('should run each model through latency phases and an outage of Inventory', () => {
      for (const subject of results.subjects.filter((candidate) => candidate.kind === 'implementation')) {
        assert.equal(subject.latency.length, 3, `${subject.name} latency phases`);
        const outage = subject.outage;
        assert.ok(outage, `${subject.name} has no outage phase`);
        assert.equal(outage.error, undefined, `${subject.name}: ${outage.error}`);
        assert.ok(
          outage.killedAtMs < outage.restartedAtMs,
          `${subject.name}: killed at ${outage.killedAtMs}, restarted at ${outage.restartedAtMs}`,
        );
        assert.ok(outage.timeline.length > 0);
        assert.ok(outage.maxBacklog >= outage.baselineBacklog);
      }
    });
  });

  describe("when the teams' own state is checked", () => {
    it('should have lost no return and done nothing twice', () => {
      for (const subject of results.subjects.filter((candidate) => candidate.kind === 'implementation')) {
        const verification = subject.verification;
        assert.ok(verification, `${subject.name} was not verified`);
        assert.ok(verification.sent > 0);
        assert.equal(verification.lost, 0, `${subject.name} lost ${verification.lostExamples.join(', ')}`);
        assert.equal(verification.duplicatedEffects, 0, `${subject.name} duplicated effects`);
        assert.equal(verification.unreadableRecords, 0, `${subject.name} unreadable records`);
        if (verification.deadLetters !== null)
          assert.equal(verification.deadLetters, 0, `${subject.name} dead letters`);
        assert.equal(verification.completeInTeamState, verification.sent);
      }
    });

    it('should have sent every return that a phase dispatched', () => {
      for (const subject of results.subjects.filter((candidate) => candidate.kind === 'implementation')) {
        const dispatched = phasesOf(subject).reduce((sum, { phase }) => sum + phase.dispatched - phase.failed, 0);
        assert.equal(subject.verification?.sent, dispatched, subject.name);
      }
    });

    it('should leave no team process running', () => {
      const pids = results.subjects.flatMap((subject) => [
        ...subject.processes.map((entry) => entry.pid),
        ...subject.childEvents.map((event) => event.pid),
      ]);
      assert.ok(pids.length > 0);
      assert.deepEqual(pids.filter(isAlive), []);
    });
  });

  describe('when the report files are read', () => {
    it('should write report.md with a line per target', () => {
      const report = readFileSync(path.join(out, 'report.md'), 'utf8');
      assert.match(report, /^# Benchmark/);
      assert.ok(results.targets.length > 0);
      for (const target of results.targets) {
        assert.ok(report.includes(target.what), `report.md has no line for ${target.subject} ${target.what}`);
        assert.match(target.verdict, /^(met|missed|not established|not measured|invalid)/);
      }
    });

    it('should write well-formed SVG charts, each linked from the report', () => {
      const report = readFileSync(path.join(out, 'report.md'), 'utf8');
      const charts = readdirSync(out).filter((file) => file.endsWith('.svg'));
      for (const expected of [
        'throughput-ramp.svg',
        'latency-choreography.svg',
        'latency-orchestration-parallel.svg',
        'outage-backlog.svg',
      ]) {
        assert.ok(charts.includes(expected), `${expected} missing from ${charts.join(', ')}`);
      }
      for (const chart of charts) {
        const svg = readFileSync(path.join(out, chart), 'utf8');
        assert.deepEqual(xmlProblems(svg), [], chart);
        assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, chart);
        assert.ok(report.includes(`(${chart})`), `report.md does not show ${chart}`);
      }
    });
  });
});
