// Lint for every .ts file. The recommended sets catch ordinary mistakes, with type information so that a promise
// nobody awaits (a step silently lost) is an error. The last blocks state the architecture: a pure domain, and
// kafkajs behind the event log.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const KAFKAJS_ONLY_IN_THE_EVENT_LOG = {
  name: 'kafkajs',
  message:
    'Only event-sourced/event-log.ts imports kafkajs, so the client can be swapped in one file: use the event log.',
};

// The domain is bundled into the Temporal workflow sandbox: it imports only itself and zod (pure, and validated
// input is its vocabulary). An import may climb only as far as domain/ itself, one `../` per folder below it.
function domainImports(depth) {
  return [
    'error',
    {
      paths: [KAFKAJS_ONLY_IN_THE_EVENT_LOG],
      patterns: [
        { regex: '^(?!\\.|zod$)', message: 'The domain imports no package and no Node built-in, only zod.' },
        { regex: `^(\\.\\./){${depth + 1}}`, message: 'This import leaves domain/: the domain imports only itself.' },
        { regex: '(^|/)(?!\\.\\.(/|$))[^/]+/\\.\\.(/|$)', message: 'Write the path without a `..` in its middle.' },
      ],
    },
  ];
}

// Each names what the sandbox forbids or what would make a decision depend on when or where it runs.
const DOMAIN_GLOBALS = [
  ['process', 'reads the environment: configuration comes in as an argument'],
  ['require', 'loads a module at run time'],
  ['Buffer', 'is a Node built-in'],
  ['setTimeout', 'is a timer: the domain has no clock'],
  ['setInterval', 'is a timer: the domain has no clock'],
  ['setImmediate', 'is a timer: the domain has no clock'],
  ['queueMicrotask', 'schedules work: the domain only computes'],
  ['performance', 'reads the clock: time comes in as an argument'],
  ['crypto', 'is random: ids come in as arguments'],
  ['fetch', 'is I/O'],
  ['global', 'reaches past these rules'],
  ['globalThis', 'reaches past these rules'],
].map(([name, why]) => ({ name, message: `${name} ${why}.` }));

export default defineConfig(
  globalIgnores(['.stack/', '.data/', '**/results/']),
  {
    files: ['**/*.ts'],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A leading underscore, or a rest sibling, names what is left out on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // async without await is how a function meets a contract that returns a promise: Temporal activities, kafkajs
      // handlers, the methods of a port.
      '@typescript-eslint/require-await': 'off',
      // Interfaces declare functions in method syntax and implement them as arrows, and kafkajs' types do the same:
      // every report was a function that does not use `this`.
      '@typescript-eslint/unbound-method': 'off',
      // gRPC status codes and Temporal's proto enums are compared with the numbers they stand for, on purpose: the
      // packages that name them are not dependencies of this project.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Passing on what was caught, whatever it is, keeps the original error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Tests hand malformed input to the edge through `any`, which is the point of those tests, and match the
    // terminal's escape sequences in what a command printed.
    files: ['test/**/*.ts'],
    rules: {
      'no-control-regex': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [KAFKAJS_ONLY_IN_THE_EVENT_LOG] }] },
  },
  {
    // The event log; the benchmark's ceiling, which measures the client without the model; the smoke test, which
    // checks the broker before any model code runs.
    files: ['event-sourced/event-log.ts', 'bench/ceilings/kafka-echo.ts', 'test/smoke/kafka.smoke.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': domainImports(0),
      'no-restricted-globals': ['error', ...DOMAIN_GLOBALS],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Date.now reads the clock: time comes in as an argument.' },
        { object: 'Math', property: 'random', message: 'Math.random is not deterministic: ids come in as arguments.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'new Date() reads the clock: time comes in as an argument.',
        },
        {
          selector: "CallExpression[callee.name='Date']",
          message: 'Date() reads the clock: time comes in as an argument.',
        },
        { selector: 'ImportExpression', message: 'The domain loads nothing at run time.' },
        { selector: 'TSImportType', message: 'The domain imports only itself: name the type with an import.' },
      ],
    },
  },
  // Folders below domain/ may climb back to it; a file deeper than these keeps the strictest rule.
  ...[1, 2].map((depth) => ({
    files: [`domain/${'*/'.repeat(depth)}*.ts`],
    rules: { 'no-restricted-imports': domainImports(depth) },
  })),
  prettier,
);
