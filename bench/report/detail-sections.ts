// The report's sections that show a run in detail: the outage, the correctness check and every ramp step.
import { TEAMS } from '../../domain';
import { markdownTable } from '../lib/markdown-table';
import type { BenchResults } from '../results';
import { count, latencyCells, number, rateText, seconds } from './cells';
export function outageSection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const withOutage = results.subjects.filter((subject) => subject.outage);
  if (withOutage.length > 0) {
    push('## Outage: Inventory killed and restarted under 50% load', '');
    push(
      "Inventory's process is killed (SIGKILL) and started again after the outage; load continues throughout. Backlog: returns sent and not yet done by every team, sampled every 250 ms. Recovery: from the restart until the backlog is back at or below the highest backlog seen before the kill.",
      '',
    );
    push(
      markdownTable(
        [
          'subject',
          'rate',
          'down for',
          count('max backlog'),
          'restart to ready',
          'recovery',
          'recovered under load',
          'drain after load',
          count('lost'),
          count('duplicated'),
        ],
        withOutage.map((subject) => {
          const outage = subject.outage!;
          return [
            subject.label,
            rateText(outage.rate),
            seconds(outage.restartedAtMs - outage.killedAtMs),
            outage.maxBacklog,
            `${seconds(outage.restartReadyMs)}${outage.rebuiltFromEvents === null ? '' : ` (state rebuilt from ${outage.rebuiltFromEvents.toLocaleString('en-US')} events)`}`,
            outage.recoveryMs === null ? 'not reached' : seconds(outage.recoveryMs),
            outage.recoveredWhileLoaded ? 'yes' : 'no',
            outage.phase.drain.drained ? seconds(outage.phase.drain.drainMs) : 'did not drain',
            subject.verification?.lost ?? '–',
            subject.verification?.duplicatedEffects ?? '–',
          ];
        }),
      ),
    );
    push('Latency of each team for the returns sent while Inventory was down (ms):', '');
    const teamRows = withOutage.flatMap((subject) => {
      const teamLatency = subject.outage?.teamLatency;
      if (!teamLatency) return [];
      return TEAMS.map((team) => [
        subject.label,
        team,
        teamLatency.returns,
        ...latencyCells(teamLatency.perTeam[team]).slice(0, 5),
      ]);
    });
    push(
      teamRows.length > 0
        ? markdownTable(['subject', 'team', count('returns'), 'p50', 'p90', 'p99', 'p99.9', 'max'], teamRows)
        : '(not measured)\n',
    );
    for (const subject of withOutage) {
      push(
        `- **${subject.label}**: ${subject.outage!.behaviour}${subject.outage!.teamLatency ? ` Team times from ${subject.outage!.teamLatency.source}.` : ''}${subject.outage!.error ? ` Error: ${subject.outage!.error}.` : ''}`,
      );
    }
    push('');
  }
  return out;
}

export function correctnessSection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('## Correctness: lost returns and duplicated effects', '');
  push(
    markdownTable(
      [
        'subject',
        'checked by',
        count('sent'),
        count('complete in team state'),
        count('lost'),
        count('duplicated'),
        count('unreadable'),
        count('dead letters'),
        count('process restarts'),
      ],
      results.subjects
        .filter((subject) => subject.verification)
        .map((subject) => {
          const verification = subject.verification!;
          return [
            subject.label,
            verification.method,
            verification.sent,
            verification.completeInTeamState,
            verification.lost,
            verification.duplicatedEffects,
            verification.unreadableRecords,
            verification.deadLetters ?? '–',
            subject.childEvents.filter((event) => event.what === 'exited').length,
          ];
        }),
    ),
  );
  return out;
}

export function rampStepsSection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('## Ramp steps', '');
  for (const subject of results.subjects.filter((candidate) => candidate.ramp)) {
    push(`### ${subject.label}`, '');
    push(
      markdownTable(
        [
          'rate',
          'kind',
          count('offered'),
          count('completed in step+grace'),
          count('completed/s'),
          count('backlog growth'),
          'p50',
          'p99',
          'max',
          'lag p99 / max',
          'drain',
          'CPU ms/return',
          'other load (cores)',
          'sustainable',
        ],
        (subject.ramp?.steps ?? []).map((step) => [
          rateText(step.rate),
          step.kind,
          step.phase.offered,
          step.phase.completedWithinGrace,
          Math.round(step.phase.completedRatePerSecond),
          step.backlogGrowth,
          number(step.phase.latency.p50),
          number(step.phase.latency.p99),
          number(step.phase.latency.max),
          `${number(step.phase.lag.p99)} / ${number(step.phase.lag.max)}`,
          step.phase.drain.drained ? seconds(step.phase.drain.drainMs) : 'no',
          number(step.phase.cpu.totalMsPerReturn, 3),
          step.phase.cpu.otherProcessesCores === null ? 'n/a' : number(step.phase.cpu.otherProcessesCores, 2),
          step.sustainable ? 'yes' : `no: ${step.reasons.join('; ')}`,
        ]),
      ),
    );
  }
  return out;
}
