// The hostile-input matrix as one scenario of the suite: its figures are both models' checker figures together.
import type { CheckFigures } from '../../model/effects-check';
import { type HostileReport, runHostileInput } from '../hostile-input';
import type { Scenario } from '../scenario';

function sum(left: CheckFigures, right: CheckFigures): CheckFigures {
  return Object.fromEntries(
    Object.keys(left).map((key) => [key, left[key as keyof CheckFigures] + right[key as keyof CheckFigures]]),
  ) as unknown as CheckFigures;
}

export const hostileInput: Scenario = {
  id: 'hostile-input',
  title: 'hostile input through every entry point',
  model: 'both',
  async run(context) {
    const report: HostileReport = await runHostileInput(context.base, context.debug);
    const figures = sum(report.figures.traditional, report.figures['event-sourced']);
    const entryPoints = new Set(report.rows.map((row) => row.entryPoint));
    const valid = report.validAfter.reduce((total, after) => total + after.sent, 0);
    const completed = report.validAfter.reduce((total, after) => total + after.completed, 0);
    const longest = Math.max(
      0,
      ...report.validAfter.filter((after) => !after.entryPoint.startsWith('npm')).map((after) => after.longestSeconds),
    );
    return {
      id: this.id,
      title: this.title,
      model: this.model,
      returns: valid,
      faults: `${report.rows.length} hostile inputs through ${entryPoints.size} entry points`,
      expectation: 'clean',
      figures,
      recovery: `valid returns sent after the poison: ${completed}/${valid} complete; on the topics within ${longest.toFixed(1)} s`,
      details: {
        matrix: report.rows,
        validAfter: report.validAfter,
        figuresByModel: report.figures,
        gaps: report.gaps,
      },
      problems: report.problems,
      notes:
        report.gaps.length > 0 ? [`${report.gaps.length} inputs accepted silently without effect (see the gaps)`] : [],
      passed: report.passed,
      durationMs: report.durationMs,
      outcomes: new Map(),
    };
  },
};
