// User Support's workflows as the release before the process changes had them (traditional/workflows.ts at the
// revision the fixtures in test/fixtures/before-the-process-changes were recorded with): four calls on the request
// alone, no verdict gate, no Customer Care. Self-contained, so it keeps running that release's commands whatever
// the domain becomes; a run it starts is a run started before the change.
import { type ActivityOptions, proxyActivities } from '@temporalio/workflow';
import type { RefundRequest } from '../../../domain/refund-request';

interface TeamTaskQueues {
  readonly sales: string;
  readonly inventory: string;
  readonly manufacturing: string;
  readonly accounting: string;
}

interface ReturnWorkflowInput {
  readonly request: RefundRequest;
  readonly taskQueues: TeamTaskQueues;
}

// Each team's activity of that release, by name, as the workers still register them.
interface SalesActivities {
  createOrderRefundRequest(request: RefundRequest): Promise<unknown>;
}
interface InventoryActivities {
  createShipmentRequest(request: RefundRequest): Promise<unknown>;
}
interface ManufacturingActivities {
  registerDisassemblyOrder(request: RefundRequest): Promise<unknown>;
}
interface AccountingActivities {
  chargeAssetDisposal(request: RefundRequest): Promise<unknown>;
}

const TEAM_CALL: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: Number.POSITIVE_INFINITY,
  },
};

function teamsOf(taskQueues: TeamTaskQueues) {
  return {
    sales: proxyActivities<SalesActivities>({ ...TEAM_CALL, taskQueue: taskQueues.sales }),
    inventory: proxyActivities<InventoryActivities>({ ...TEAM_CALL, taskQueue: taskQueues.inventory }),
    manufacturing: proxyActivities<ManufacturingActivities>({ ...TEAM_CALL, taskQueue: taskQueues.manufacturing }),
    accounting: proxyActivities<AccountingActivities>({ ...TEAM_CALL, taskQueue: taskQueues.accounting }),
  };
}

export async function processReturnSequential({ request, taskQueues }: ReturnWorkflowInput): Promise<unknown> {
  const { sales, inventory, manufacturing, accounting } = teamsOf(taskQueues);
  const refund = await sales.createOrderRefundRequest(request);
  const replacement = await inventory.createShipmentRequest(request);
  const disassembly = await manufacturing.registerDisassemblyOrder(request);
  const disposal = await accounting.chargeAssetDisposal(request);
  return { returnId: request.returnId, refund, replacement, disassembly, disposal };
}

export async function processReturnParallel({ request, taskQueues }: ReturnWorkflowInput): Promise<unknown> {
  const { sales, inventory, manufacturing, accounting } = teamsOf(taskQueues);
  const [refund, replacement, disassembly, disposal] = await Promise.all([
    sales.createOrderRefundRequest(request),
    inventory.createShipmentRequest(request),
    manufacturing.registerDisassemblyOrder(request),
    accounting.chargeAssetDisposal(request),
  ]);
  return { returnId: request.returnId, refund, replacement, disassembly, disposal };
}
