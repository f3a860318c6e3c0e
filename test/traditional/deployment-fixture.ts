// What the traditional suites share: one workflow bundle per test run, a fresh scope and team stores per
// deployment, and the outcomes the sample returns must have in either variant.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Config, TeamStoreKind } from '../../config';
import type { ReturnOutcome } from '../../domain';
import {
  startTraditionalDeployment,
  type TraditionalDeployment,
  type TraditionalDeploymentOptions,
} from '../../traditional/deployment';
import { scopeTeamStores } from '../../traditional/teams';
import { bundleReturnWorkflows, installTemporalRuntime } from '../../traditional/worker';
import { eur, gbp, sampleReturn, usd } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';

let bundle: Promise<WorkflowBundle> | undefined;

// Bundling takes seconds; every suite of the run shares the one bundle.
export function sharedWorkflowBundle(): Promise<WorkflowBundle> {
  installTemporalRuntime();
  bundle ??= bundleReturnWorkflows();
  return bundle;
}

export function temporaryDataDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `traditional-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TemporaryTeamStores {
  readonly config: Config;
  remove(): Promise<void>;
}

// A scope of its own in one of the team stores (TEAM_STORE's unless named), and its removal: the temporary data
// directory, and in PostgreSQL the scope's schema.
export function temporaryTeamStores(label: string, teamStore?: TeamStoreKind): TemporaryTeamStores {
  const data = temporaryDataDir(label);
  const config = testConfig(label, { dataDir: data.dir, ...(teamStore ? { teamStore } : {}) });
  return {
    config,
    remove: async () => {
      await scopeTeamStores(config).deleteAll();
      data.remove();
    },
  };
}

export interface TestDeployment {
  readonly deployment: TraditionalDeployment;
  readonly config: Config;
  close(): Promise<void>;
}

// A deployment of its own: unique scope (task queues, workflow ids), and team stores of its own (TEAM_STORE's
// unless named), removed when it closes.
export async function startTestDeployment(
  label: string,
  options: Omit<TraditionalDeploymentOptions, 'workflowBundle'> = {},
  teamStore?: TeamStoreKind,
): Promise<TestDeployment> {
  const stores = temporaryTeamStores(label, teamStore);
  const { config } = stores;
  try {
    const deployment = await startTraditionalDeployment(config, {
      workflowBundle: await sharedWorkflowBundle(),
      ...options,
    });
    return {
      deployment,
      config,
      close: async () => {
        await deployment.close();
        await stores.remove();
      },
    };
  } catch (error) {
    await stores.remove();
    throw error;
  }
}

// The sample returns, in the order they must be submitted, and what each must come to in either variant.
export const SAMPLE_OUTCOMES: readonly ReturnOutcome[] = [
  {
    returnId: 'R-1001',
    verdict: 'accepted',
    refund: {
      refundId: 'refund:R-1001',
      returnId: 'R-1001',
      orderId: 'O-5001',
      status: 'issued',
      refundedAmount: eur(79900),
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: {
      shipmentId: 'shipment:R-1001',
      returnId: 'R-1001',
      modelId: 'PHONE-X1',
      shipTo: sampleReturn('R-1001').shipment.shipTo,
      status: 'shipped',
    },
    disassembly: {
      disassemblyOrderId: 'disassembly:R-1001',
      returnId: 'R-1001',
      serialNumber: 'SN-X1-000123',
      siteId: 'AMS-1',
      diagnosis: 'battery',
      status: 'ordered',
    },
    disposal: {
      disposalId: 'disposal:R-1001',
      returnId: 'R-1001',
      serialNumber: 'SN-X1-000123',
      costCentre: 'CC-AMS-1',
      amount: eur(41250),
      status: 'charged',
    },
    notification: {
      notificationId: 'notification:R-1001',
      returnId: 'R-1001',
      recipient: 'Ada Lovelace',
      verdict: 'accepted',
      refundedAmount: eur(79900),
      replacement: 'shipped',
      refusalReason: null,
      message: 'Your return R-1001 is accepted: 799.00 EUR refunded, and your replacement PHONE-X1 has shipped.',
    },
  },
  {
    returnId: 'R-1002',
    verdict: 'refused',
    refund: {
      refundId: 'refund:R-1002',
      returnId: 'R-1002',
      orderId: 'O-5002',
      status: 'rejected',
      refundedAmount: usd(0),
      rejectionReason: 'outside-return-window',
      refundedByReturnId: null,
    },
    replacement: {
      shipmentId: 'shipment:R-1002',
      returnId: 'R-1002',
      modelId: 'LAPTOP-L3',
      shipTo: sampleReturn('R-1002').shipment.shipTo,
      status: 'cancelled',
    },
    disassembly: {
      disassemblyOrderId: 'disassembly:R-1002',
      returnId: 'R-1002',
      serialNumber: 'SN-L3-004711',
      siteId: 'DAL-2',
      diagnosis: 'display',
      status: 'unit-returned',
    },
    disposal: {
      disposalId: 'disposal:R-1002',
      returnId: 'R-1002',
      serialNumber: 'SN-L3-004711',
      costCentre: 'CC-DAL-2',
      amount: usd(0),
      status: 'not-charged',
    },
    notification: {
      notificationId: 'notification:R-1002',
      returnId: 'R-1002',
      recipient: 'Grace Hopper',
      verdict: 'refused',
      refundedAmount: null,
      replacement: null,
      refusalReason: 'outside-return-window',
      message:
        'Your return R-1002 is refused: it was requested more than 30 days after the purchase. No replacement is sent.',
    },
  },
  {
    returnId: 'R-1003',
    verdict: 'refused',
    refund: {
      refundId: 'refund:R-1003',
      returnId: 'R-1003',
      orderId: 'O-5001',
      status: 'rejected',
      refundedAmount: eur(0),
      rejectionReason: 'order-already-refunded',
      refundedByReturnId: 'R-1001',
    },
    replacement: {
      shipmentId: 'shipment:R-1003',
      returnId: 'R-1003',
      modelId: 'PHONE-X1',
      shipTo: sampleReturn('R-1003').shipment.shipTo,
      status: 'cancelled',
    },
    disassembly: {
      disassemblyOrderId: 'disassembly:R-1003',
      returnId: 'R-1003',
      serialNumber: 'SN-X1-000999',
      siteId: 'AMS-1',
      diagnosis: 'liquid-damage',
      status: 'unit-returned',
    },
    disposal: {
      disposalId: 'disposal:R-1003',
      returnId: 'R-1003',
      serialNumber: 'SN-X1-000999',
      costCentre: 'CC-AMS-1',
      amount: eur(0),
      status: 'not-charged',
    },
    notification: {
      notificationId: 'notification:R-1003',
      returnId: 'R-1003',
      recipient: 'Ada Lovelace',
      verdict: 'refused',
      refundedAmount: null,
      replacement: null,
      refusalReason: 'order-already-refunded',
      message:
        'Your return R-1003 is refused: order O-5001 was already refunded by return R-1001. No replacement is sent.',
    },
  },
  {
    returnId: 'R-1004',
    verdict: 'accepted',
    refund: {
      refundId: 'refund:R-1004',
      returnId: 'R-1004',
      orderId: 'O-5004',
      status: 'issued',
      refundedAmount: gbp(29900),
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: {
      shipmentId: 'shipment:R-1004',
      returnId: 'R-1004',
      modelId: 'WATCH-W1',
      shipTo: sampleReturn('R-1004').shipment.shipTo,
      status: 'shipped',
    },
    disassembly: {
      disassemblyOrderId: 'disassembly:R-1004',
      returnId: 'R-1004',
      serialNumber: 'SN-W1-000042',
      siteId: 'MAN-1',
      diagnosis: 'display',
      status: 'ordered',
    },
    disposal: {
      disposalId: 'disposal:R-1004',
      returnId: 'R-1004',
      serialNumber: 'SN-W1-000042',
      costCentre: 'CC-MAN-1',
      amount: gbp(15500),
      status: 'charged',
    },
    notification: {
      notificationId: 'notification:R-1004',
      returnId: 'R-1004',
      recipient: 'Alan Turing',
      verdict: 'accepted',
      refundedAmount: gbp(29900),
      replacement: 'shipped',
      refusalReason: null,
      message: 'Your return R-1004 is accepted: 299.00 GBP refunded, and your replacement WATCH-W1 has shipped.',
    },
  },
  {
    returnId: 'R-1005',
    verdict: 'accepted',
    refund: {
      refundId: 'refund:R-1005',
      returnId: 'R-1005',
      orderId: 'O-5005',
      status: 'issued',
      refundedAmount: gbp(29900),
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: {
      shipmentId: 'shipment:R-1005',
      returnId: 'R-1005',
      modelId: 'WATCH-W1',
      shipTo: sampleReturn('R-1005').shipment.shipTo,
      status: 'backordered',
    },
    disassembly: {
      disassemblyOrderId: 'disassembly:R-1005',
      returnId: 'R-1005',
      serialNumber: 'SN-W1-000077',
      siteId: 'MAN-1',
      diagnosis: 'other',
      status: 'ordered',
    },
    disposal: {
      disposalId: 'disposal:R-1005',
      returnId: 'R-1005',
      serialNumber: 'SN-W1-000077',
      costCentre: 'CC-MAN-1',
      amount: gbp(15500),
      status: 'charged',
    },
    notification: {
      notificationId: 'notification:R-1005',
      returnId: 'R-1005',
      recipient: 'Joan Clarke',
      verdict: 'accepted',
      refundedAmount: gbp(29900),
      replacement: 'backordered',
      refusalReason: null,
      message: 'Your return R-1005 is accepted: 299.00 GBP refunded, and your replacement WATCH-W1 is backordered.',
    },
  },
  {
    returnId: 'R-1006',
    verdict: 'accepted',
    refund: {
      refundId: 'refund:R-1006',
      returnId: 'R-1006',
      orderId: 'O-5006',
      status: 'issued',
      refundedAmount: usd(49900),
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: {
      shipmentId: 'shipment:R-1006',
      returnId: 'R-1006',
      modelId: 'PHONE-X0',
      shipTo: sampleReturn('R-1006').shipment.shipTo,
      status: 'backordered',
    },
    disassembly: {
      disassemblyOrderId: 'disassembly:R-1006',
      returnId: 'R-1006',
      serialNumber: 'SN-X0-000001',
      siteId: 'DAL-2',
      diagnosis: 'battery',
      status: 'ordered',
    },
    disposal: {
      disposalId: 'disposal:R-1006',
      returnId: 'R-1006',
      serialNumber: 'SN-X0-000001',
      costCentre: 'CC-DAL-2',
      amount: usd(18000),
      status: 'charged',
    },
    notification: {
      notificationId: 'notification:R-1006',
      returnId: 'R-1006',
      recipient: 'Katherine Johnson',
      verdict: 'accepted',
      refundedAmount: usd(49900),
      replacement: 'backordered',
      refusalReason: null,
      message: 'Your return R-1006 is accepted: 499.00 USD refunded, and your replacement PHONE-X0 is backordered.',
    },
  },
];

// What each sample shows a reader, in business words.
export const SAMPLE_PATHS: Readonly<Record<string, string>> = {
  'R-1001': 'a device returned within the window is refunded, replaced, disassembled and written off',
  'R-1002': 'a device returned after 45 days is refused: nothing ships, no order stands, nothing is charged',
  'R-1003': 'a second return of an order already refunded is refused, so it gets no free replacement',
  'R-1004': 'the last watch in stock is shipped as the replacement',
  'R-1005': 'the next watch is backordered once the last unit has shipped',
  'R-1006': 'a discontinued model is backordered',
};
