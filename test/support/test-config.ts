// Every test run gets its own scope, so topics, groups, task queues, workflow ids and databases never collide.
import { randomBytes } from 'node:crypto';
import { type Config, loadConfig } from '../../config';

export function uniqueScope(label: string): string {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 20)
    .replace(/-+$/, '');
  return `t-${safeLabel}-${randomBytes(4).toString('hex')}`;
}

export function testConfig(label: string, overrides: Partial<Config> = {}): Config {
  return { ...loadConfig(), scope: uniqueScope(label), ...overrides };
}
