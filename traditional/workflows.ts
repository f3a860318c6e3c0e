// User Support's side of the traditional model: the workflow calls each team's endpoint itself, and so is the one
// place that knows which teams take part and in what order. Two variants: the seed's order, and all at once.
import { type ActivityOptions, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
// Only the modules the workflow uses: the bundle the worker runs in its sandbox then leaves out the request schema
// (zod), which is validated at the edge, before a workflow starts.
import { assembleOutcome, type ReturnOutcome, type TeamRecords } from '../domain/outcome';
import type { RefundRequest } from '../domain/refund-request';
// Types only: workflows run in a deterministic sandbox, and activities (SQLite, clocks) run in the teams' workers.
import type {
  AccountingActivities,
  InventoryActivities,
  ManufacturingActivities,
  SalesActivities,
  TeamTaskQueues,
} from './teams';

export interface ReturnWorkflowInput {
  readonly request: RefundRequest;
  // Each team's own task queue: the sandbox cannot read configuration, so the client passes them in.
  readonly taskQueues: TeamTaskQueues;
}

const TEAM_CALL: ActivityOptions = {
  // One call to a team takes milliseconds; ten seconds means the worker is gone, and the call is retried.
  startToCloseTimeout: '10 seconds',
  // No scheduleToStartTimeout and no attempt limit: while a team is down its calls wait on its task queue and
  // the return waits for it, rather than failing. The activities are idempotent, so a retry changes nothing.
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: Number.POSITIVE_INFINITY,
  },
};

// Business rejections (refund refused, replacement backordered) come back as records, so nothing here is a
// business error; only infrastructure failures throw, and those are retried.
function teamsOf(taskQueues: TeamTaskQueues) {
  return {
    sales: proxyActivities<SalesActivities>({ ...TEAM_CALL, taskQueue: taskQueues.sales }),
    inventory: proxyActivities<InventoryActivities>({ ...TEAM_CALL, taskQueue: taskQueues.inventory }),
    manufacturing: proxyActivities<ManufacturingActivities>({ ...TEAM_CALL, taskQueue: taskQueues.manufacturing }),
    accounting: proxyActivities<AccountingActivities>({ ...TEAM_CALL, taskQueue: taskQueues.accounting }),
  };
}

// The seed's numbered list, one step after the other: a team that is down holds up every team after it.
export async function processReturnSequential({ request, taskQueues }: ReturnWorkflowInput): Promise<ReturnOutcome> {
  const { sales, inventory, manufacturing, accounting } = teamsOf(taskQueues);
  // 1. US creates a new OrderRefundRequest with Sales to refund the customer's purchase.
  const refund = await sales.createOrderRefundRequest(request);
  // 2. US creates a new ShipmentRequest with Inventory to ship the user a replacement device.
  const replacement = await inventory.createShipmentRequest(request);
  // 3. US registers a new DisassemblyOrder with Manufacturing to diagnose and disassemble the item.
  const disassembly = await manufacturing.registerDisassemblyOrder(request);
  // 4. US charges a new AssetDisposal with Accounting to track the cost to the company's bottom line.
  const disposal = await accounting.chargeAssetDisposal(request);
  return outcomeOf(request.returnId, { refund, replacement, disassembly, disposal });
}

// The same four calls, started together: no team waits for another, and the return waits for the slowest.
export async function processReturnParallel({ request, taskQueues }: ReturnWorkflowInput): Promise<ReturnOutcome> {
  const { sales, inventory, manufacturing, accounting } = teamsOf(taskQueues);
  const [refund, replacement, disassembly, disposal] = await Promise.all([
    // 1. US creates a new OrderRefundRequest with Sales to refund the customer's purchase.
    sales.createOrderRefundRequest(request),
    // 2. US creates a new ShipmentRequest with Inventory to ship the user a replacement device.
    inventory.createShipmentRequest(request),
    // 3. US registers a new DisassemblyOrder with Manufacturing to diagnose and disassemble the item.
    manufacturing.registerDisassemblyOrder(request),
    // 4. US charges a new AssetDisposal with Accounting to track the cost to the company's bottom line.
    accounting.chargeAssetDisposal(request),
  ]);
  return outcomeOf(request.returnId, { refund, replacement, disassembly, disposal });
}

function outcomeOf(returnId: string, records: TeamRecords): ReturnOutcome {
  const outcome = assembleOutcome(returnId, records);
  // Cannot happen once all four calls returned; failing the run beats retrying a broken invariant forever.
  if (!outcome)
    throw ApplicationFailure.nonRetryable(`Return ${returnId} is missing a team's record`, 'IncompleteReturn');
  return outcome;
}
