// What the comparison suites share: both models run on one scope, and direct access to every store of a scope, so
// a test can look at what each store holds and clear a scope afterwards the way `npm run reset` does.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Config } from '../../../config';
import type { RefundRequest, ReturnOutcome } from '../../../domain';
import { type ModelPair, openBothModels, submitToBoth } from '../../../compare/both-models';
import { clearScope, type ScopeStores, surveyScope } from '../../../compare/reset';
import { connectEventLog } from '../../../event-sourced/event-log';
import { connectClient } from '../../../traditional/client';
import { sharedWorkflowBundle, temporaryDataDir } from '../../traditional/deployment-fixture';
import { testConfig } from '../../support/test-config';

export interface OpenScopeStores extends ScopeStores {
  close(): Promise<void>;
}

export async function connectScopeStores(config: Config): Promise<OpenScopeStores> {
  const client = await connectClient(config);
  const eventLog = await connectEventLog({ brokers: config.kafkaBrokers, clientId: `test-stores-of-${config.scope}` });
  return {
    client,
    eventLog,
    close: async () => {
      await Promise.allSettled([eventLog.close(), client.connection.close()]);
    },
  };
}

export function openBothOnScope(config: Config): Promise<ModelPair> {
  return sharedWorkflowBundle().then((workflowBundle) => openBothModels(config, { workflowBundle }));
}

// One after the other, as npm start submits them; both models must agree on each.
export async function submitEachToBoth(
  models: ModelPair,
  requests: readonly RefundRequest[],
): Promise<ReturnOutcome[]> {
  const outcomes: ReturnOutcome[] = [];
  for (const request of requests) {
    const { traditional, eventSourced } = await submitToBoth(models, request);
    assert.deepEqual(eventSourced, traditional, `both models' outcome of ${request.returnId}`);
    outcomes.push(traditional);
  }
  return outcomes;
}

// Clears the scope in every store, as `npm run reset` does.
export async function clearTestScope(config: Config): Promise<void> {
  const stores = await connectScopeStores(config);
  try {
    await clearScope(config, stores, await surveyScope(config, stores), () => undefined);
  } finally {
    await stores.close();
  }
}

// Scopes of their own, with team databases in a temporary folder; remove() clears every scope in every store.
export function testScopes(label: string, count: number): { configs: Config[]; remove: () => Promise<void> } {
  const data = temporaryDataDir(label);
  const configs = Array.from({ length: count }, (_, index) => testConfig(`${label}-${index}`, { dataDir: data.dir }));
  return {
    configs,
    remove: async () => {
      for (const config of configs) await clearTestScope(config);
      rmSync(data.dir, { recursive: true, force: true });
    },
  };
}
