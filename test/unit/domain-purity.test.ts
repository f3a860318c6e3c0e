// The domain is bundled into the Temporal workflow sandbox and must stay deterministic there: no clock, no
// randomness, no environment, no Node built-ins. This reads the source as text, so it needs no bundler or linter.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative } from 'node:path';

const DOMAIN_DIR = join(__dirname, '..', '..', 'domain');

const FORBIDDEN: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /\bDate\.now\b/, why: 'Date.now reads the clock' },
  { pattern: /\bnew\s+Date\s*\(/, why: 'new Date( reads the clock or builds a non-JSON value' },
  { pattern: /(?<![.\w$])Date\s*\(/, why: 'Date() reads the clock' },
  { pattern: /\bMath\.random\b/, why: 'Math.random is not deterministic' },
  { pattern: /(?<![.\w$])process\s*\./, why: 'process. reads the environment' },
  { pattern: /\brequire\s*\(/, why: 'require( loads modules at run time' },
  { pattern: /\b(setTimeout|setInterval|setImmediate)\b/, why: 'timers are not deterministic' },
  { pattern: /\bperformance\s*\.\s*now\b/, why: 'performance.now reads the clock' },
  { pattern: /(?<![.\w$])Buffer\b/, why: 'Buffer is a Node built-in' },
];

// Module specifiers in `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`.
const SPECIFIERS = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]/g];

const NODE_BUILTINS = new Set(builtinModules);

// fileName is the importing file's path from the project root, as domain/… with forward slashes.
function importProblem(fileName: string, specifier: string): string | null {
  if (specifier === 'zod') return null;
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    const target = posix.join(posix.dirname(fileName), specifier);
    const inside = target === 'domain' || target.startsWith('domain/');
    return inside ? null : `imports '${specifier}', which is ${target}, outside domain/`;
  }
  if (specifier.startsWith('node:')) return `imports '${specifier}', a Node built-in`;
  if (NODE_BUILTINS.has(specifier.split('/')[0])) return `imports '${specifier}', a Node built-in`;
  return `imports '${specifier}'; only 'zod' and relative imports within domain/ are allowed`;
}

// Whole-line comments are skipped, so a comment may name what the code must not do.
function isCommentLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith('//') || trimmed.startsWith('/*') || trimmed.startsWith('*');
}

export function impurities(fileName: string, source: string): string[] {
  const found: string[] = [];
  source.split('\n').forEach((line, index) => {
    if (isCommentLine(line)) return;
    const where = `${fileName}:${index + 1}`;
    for (const { pattern, why } of FORBIDDEN) {
      if (pattern.test(line)) found.push(`${where}: ${why}: ${line.trim()}`);
    }
    for (const specifierPattern of SPECIFIERS) {
      for (const match of line.matchAll(specifierPattern)) {
        const problem = importProblem(fileName, match[1]);
        if (problem) found.push(`${where}: ${problem}: ${line.trim()}`);
      }
    }
  });
  return found;
}

function domainFiles(): string[] {
  return readdirSync(DOMAIN_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(DOMAIN_DIR, name))
    .sort();
}

describe('Domain purity', () => {
  describe('when reading every .ts file in domain/', () => {
    const files = domainFiles();

    it('should find the domain module (so an empty scan cannot pass)', () => {
      assert.ok(
        files.some((file) => file.endsWith('index.ts')),
        `domain/index.ts not found in ${DOMAIN_DIR}`,
      );
    });

    for (const file of files) {
      const name = relative(join(DOMAIN_DIR, '..'), file);
      it(`should find no clock, randomness, environment, timer or Node built-in in ${name}`, () => {
        const found = impurities(name, readFileSync(file, 'utf8'));
        assert.deepEqual(found, [], `impure domain code:\n  ${found.join('\n  ')}`);
      });
    }
  });

  describe('when the checker itself meets impure code', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['Date.now', 'const now = Date.now();'],
      ['new Date(', 'const today = new Date();'],
      ['Date() called without new', 'const stamp = Date();'],
      ['Math.random', 'const id = Math.random().toString(36);'],
      ['process.', 'const brokers = process.env.KAFKA_BROKERS;'],
      ['require(', "const fs = require('fs');"],
      ['setTimeout', 'setTimeout(retry, 100);'],
      ['setInterval', 'setInterval(poll, 100);'],
      ['an import from node:', "import { randomUUID } from 'node:crypto';"],
      ['an import of fs', "import { readFileSync } from 'fs';"],
      ['an import of path', "import * as path from 'path';"],
      ['an import of child_process', "import { spawn } from 'child_process';"],
      ['a re-export of os', "export { hostname } from 'os';"],
      ['a side-effect import of crypto', "import 'crypto';"],
      ['a dynamic import of fs/promises', "const fs = await import('fs/promises');"],
      ['an import of another package', "import { Kafka } from 'kafkajs';"],
      ['the last line of a multi-line import', "} from 'node:fs';"],
      ['a relative import that leaves domain/ for cli/', "import { formatMoney } from '../cli/x';"],
      ['a relative import that leaves the project', "import { loadConfig } from '../../config';"],
    ];
    for (const [what, line] of cases) {
      it(`should flag ${what}, naming the file and line`, () => {
        const found = impurities('domain/example.ts', `// header\n${line}\n`);
        assert.ok(found.length > 0, `"${line}" was not flagged`);
        assert.ok(
          found.every((problem) => problem.startsWith('domain/example.ts:2: ')),
          found.join(' | '),
        );
      });
    }

    const allowed: readonly (readonly [string, string])[] = [
      ["an import of 'zod'", "import { z } from 'zod';"],
      ['a relative import', "import { isKnownModel } from './catalogue';"],
      ['a type-only import from a parent folder', "import type { Money } from '../domain/money';"],
      ['an import of a team module', "import { SALES_TEAM } from './teams/sales';"],
      ['Date.parse, a pure function', "const millis = Date.parse('2026-05-01T00:00:00Z');"],
      ['a comment naming a forbidden call', '// never call Date.now() or Math.random() here'],
      [
        'a name that merely contains a forbidden word',
        'const subprocess = { id: 1 }; const processed = subprocess.id;',
      ],
    ];
    for (const [what, line] of allowed) {
      it(`should allow ${what}`, () => {
        assert.deepEqual(impurities('domain/example.ts', line), []);
      });
    }
  });
});
