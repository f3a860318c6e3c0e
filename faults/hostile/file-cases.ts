// Whole requests files that are not a list of requests, for the start scripts' --requests: each must be refused
// before anything starts, with a message and not a stack trace. The exit code says whose fault it is: 1 when what
// the file holds is wrong, 2 (a usage error) when --requests names nothing readable.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FileCase {
  readonly id: string;
  readonly what: string;
  // Writes the file into a folder of the run's own, if it needs writing, and gives the path to pass.
  readonly file: (dir: string) => string;
  readonly exitCode: 1 | 2;
  // Too big to keep once the scripts have read it.
  readonly removeAfter?: boolean;
}

function written(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

export const FILE_CASES: readonly FileCase[] = [
  {
    id: 'invalid-json-file',
    what: 'a requests file that is not valid JSON',
    file: (dir) => written(dir, 'invalid.json', '[{"returnId": "R-1", "requestedAt": '),
    exitCode: 1,
  },
  {
    id: 'not-a-list',
    what: 'a requests file holding an object, not a list',
    file: (dir) => written(dir, 'object.json', JSON.stringify({ returns: [] })),
    exitCode: 1,
  },
  {
    id: 'huge-file',
    what: 'a requests file over 64 MB',
    // Just over the 64 MB a requests file may hold.
    file: (dir) => written(dir, 'huge.json', `[${'"x",'.repeat((64 * 1024 * 1024) / 4 + 1)}"x"]`),
    exitCode: 1,
    removeAfter: true,
  },
  { id: 'endless-device', what: '/dev/zero: a source that never ends', file: () => '/dev/zero', exitCode: 1 },
  {
    id: 'not-utf8-file',
    what: 'a requests file in ISO 8859-1, not UTF-8',
    // "Zürich" as ISO 8859-1: the ü is one byte that is no UTF-8.
    file: (dir) =>
      written(
        dir,
        'latin1.json',
        Buffer.concat([Buffer.from('[{"city": "Z'), Buffer.from([0xfc]), Buffer.from('rich"}]')]),
      ),
    exitCode: 1,
  },
  {
    id: 'missing-file',
    what: 'a requests file that does not exist',
    file: (dir) => path.join(dir, 'nowhere.json'),
    exitCode: 2,
  },
  { id: 'directory-as-file', what: 'a directory given as the requests file', file: (dir) => dir, exitCode: 2 },
];
