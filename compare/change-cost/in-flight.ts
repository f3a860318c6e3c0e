// How a change's diff shows that it took care of the returns already in flight when it was deployed. The traditional
// model versions its workflow: a run started before the change replays its history, so the workflow branches with
// patched() and later retires the branch with deprecatePatch(). The event-sourced model versions its events: a reader
// must read what was written before the change, so a new version of an event comes with an upcaster in the envelope.
import type { ModelName } from './deployable-units';
import type { FileDiff } from './git';

export const WORKFLOWS_FILE = 'traditional/workflows.ts';
const ENVELOPE_FILE = 'event-sourced/envelope.ts';
export const IN_FLIGHT_PATHS = [WORKFLOWS_FILE, ENVELOPE_FILE, 'domain/'];

export interface Detection {
  // What was added: a call such as `patched(PROCESS_CHANGES.x)`, `version: 2` or `upcast`.
  readonly added: string;
  // Lines holding it that the change added, less those it removed.
  readonly lines: number;
  // Where it was added.
  readonly files: readonly string[];
}

interface Probe {
  readonly model: ModelName;
  readonly files: (path: string) => boolean;
  // Each piece of the line that shows in-flight handling, once per occurrence.
  readonly find: (line: string) => string[];
}

const PROBES: readonly Probe[] = [
  {
    model: 'traditional',
    files: (path) => path === WORKFLOWS_FILE,
    find: (line) => [...line.matchAll(/\b(?:patched|deprecatePatch)\([^)]*\)/g)].map(([call]) => call),
  },
  {
    model: 'event-sourced',
    files: (path) => path === ENVELOPE_FILE || path.startsWith('domain/'),
    // Version 1 is a new event, which nothing written before the change can hold: only a later version needs reading
    // the old one.
    find: (line) => [
      ...[...line.matchAll(/\bversion:\s*(\d+)/g)].filter(([, n]) => Number(n) >= 2).map(([, n]) => `version: ${n}`),
      ...(/upcast/i.test(line) ? ['upcast'] : []),
    ],
  },
];

// What the commits added and did not also remove: code moved or reformatted (an event's version moved from one module
// to another) is no new handling, and a patched() turned into deprecatePatch() shows as the deprecatePatch() alone.
export function detectInFlightHandling(diffs: readonly FileDiff[]): Record<ModelName, Detection[]> {
  const found: Record<ModelName, Detection[]> = { traditional: [], 'event-sourced': [] };
  for (const probe of PROBES) {
    // Per piece found, its net count of lines in each file.
    const net = new Map<string, Map<string, number>>();
    const count = (file: string, lines: readonly string[], sign: 1 | -1) => {
      for (const piece of lines.flatMap(probe.find)) {
        const perFile = net.get(piece) ?? new Map<string, number>();
        perFile.set(file, (perFile.get(file) ?? 0) + sign);
        net.set(piece, perFile);
      }
    };
    for (const diff of diffs.filter(({ path }) => probe.files(path))) {
      count(diff.path, diff.added, 1);
      count(diff.path, diff.removed, -1);
    }
    found[probe.model] = [...net].flatMap(([added, perFile]) => {
      const lines = [...perFile.values()].reduce((sum, n) => sum + n, 0);
      const files = [...perFile].filter(([, n]) => n > 0).map(([file]) => file);
      return lines > 0 ? [{ added, lines, files: files.sort() }] : [];
    });
  }
  return found;
}

export function describeDetections(model: ModelName, detections: readonly Detection[]): string {
  if (detections.length === 0) {
    return model === 'traditional'
      ? 'nothing: no patched() or deprecatePatch() added to the workflow'
      : 'nothing: no new event version or upcaster added';
  }
  return detections
    .map(({ added, lines, files }) => `${added}${lines > 1 ? ` (${lines} lines)` : ''} added in ${files.join(', ')}`)
    .join('; ');
}
