// User Support's side of the traditional model: the workflow calls each team's endpoint itself, and so is the one
// place that knows which teams take part, in what order, and which depend on Sales' verdict. Two variants: the
// seed's order, one team after the other, and all teams at once.
import { type ActivityOptions, ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow';
// Only the modules the workflow uses: the bundle the worker runs in its sandbox then leaves out the request schema
// (zod), which is validated at the edge, before a workflow starts.
import { assembleOutcome, type ReturnOutcome, type TeamRecords } from '../domain/outcome';
import type { RefundRequest } from '../domain/refund-request';
import { type OrderRefund, verdictOf } from '../domain/teams/sales';
import type { ReplacementShipment } from '../domain/teams/inventory';
// Types only: workflows run in a deterministic sandbox, and activities (SQLite, clocks) run in the teams' workers.
import type {
  AccountingActivities,
  CustomerCareActivities,
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

// The process changes, each deployed over returns already running (Temporal's workflow versioning). A run started
// before a change replays its history without the change's marker, so patched() is false for it there, and it
// finishes as it started; every run started since takes the new path. Once no run from before a change is open,
// the next release replaces its patched call with deprecatePatch, and deletes the old path.
export const PROCESS_CHANGES = {
  // Sales' verdict gates the return: Inventory holds, then ships or releases; a refusal leaves nothing standing.
  verdictGatesReturn: 'verdict-gates-return',
  // Customer Care tells the customer the result once every team has settled.
  customerCareNotifies: 'customer-care-notifies',
} as const;

// What a run started before the verdict gated the return comes to: the four records as the teams made them.
export type OutcomeBeforeTheVerdictGate = Pick<
  ReturnOutcome,
  'returnId' | 'refund' | 'replacement' | 'disassembly' | 'disposal'
>;
// What a run started after the verdict gate and before Customer Care comes to: every record but the notification.
export type OutcomeBeforeCustomerCare = Omit<ReturnOutcome, 'notification'>;
export type ReturnWorkflowResult = ReturnOutcome | OutcomeBeforeCustomerCare | OutcomeBeforeTheVerdictGate;

const TEAM_CALL: ActivityOptions = {
  // One call to a team takes milliseconds; ten seconds means the worker is gone, and the call is retried.
  startToCloseTimeout: '10 seconds',
  // No scheduleToStartTimeout and no attempt limit: while a team is down its calls wait on its task queue and
  // the return waits for it, rather than failing. The activities are idempotent, so a retry changes nothing; the
  // compensations too, so a refusal is undone however often they run.
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
    customerCare: proxyActivities<CustomerCareActivities>({ ...TEAM_CALL, taskQueue: taskQueues['customer-care'] }),
  };
}
type Teams = ReturnType<typeof teamsOf>;

// The seed's numbered list, one step after the other: a team that is down holds up every team after it. Sales
// goes first, so the others act only on its verdict, and a refusal needs no undo.
export async function processReturnSequential({
  request,
  taskQueues,
}: ReturnWorkflowInput): Promise<ReturnWorkflowResult> {
  const teams = teamsOf(taskQueues);
  if (!patched(PROCESS_CHANGES.verdictGatesReturn)) return sequentialBeforeTheVerdictGate(request, teams);
  const { sales, inventory, manufacturing, accounting } = teams;
  // 1. US creates a new OrderRefundRequest with Sales to refund the customer's purchase: the verdict.
  const refund = await sales.createOrderRefundRequest(request);
  const verdict = verdictOf(refund);
  if (verdict.kind === 'refused') {
    // Nothing was asked of the other teams yet: each is told, and nothing ships, is ordered or is charged.
    const replacement = await inventory.cancelReplacement(request, verdict);
    const disassembly = await manufacturing.returnUnitToCustomer(request, verdict);
    const disposal = await accounting.waiveAssetDisposal(request, verdict);
    return finish(request.returnId, { refund, replacement, disassembly, disposal }, teams);
  }
  // 2. US creates a new ShipmentRequest with Inventory to ship the user a replacement device.
  const replacement = await inventory.shipReplacement(request);
  // 3. US registers a new DisassemblyOrder with Manufacturing to diagnose and disassemble the item.
  const disassembly = await manufacturing.registerDisassemblyOrder(request);
  // 4. US charges a new AssetDisposal with Accounting to track the cost to the company's bottom line.
  const disposal = await accounting.chargeAssetDisposal(request);
  return finish(request.returnId, { refund, replacement, disassembly, disposal }, teams);
}

// Every team started together, a saga: no team waits for Sales' verdict, so on a refusal what the others did is
// undone, by compensations that run in a fixed order (the reverse of the steps) and show in the history.
export async function processReturnParallel({
  request,
  taskQueues,
}: ReturnWorkflowInput): Promise<ReturnWorkflowResult> {
  const teams = teamsOf(taskQueues);
  if (!patched(PROCESS_CHANGES.verdictGatesReturn)) return parallelBeforeTheVerdictGate(request, teams);
  const { sales, inventory, manufacturing, accounting } = teams;
  const [refund, held, ordered, charged] = await Promise.all([
    sales.createOrderRefundRequest(request),
    // Inventory sets a unit aside at once, so the replacement cannot be promised twice.
    inventory.holdReplacement(request),
    manufacturing.registerDisassemblyOrder(request),
    accounting.chargeAssetDisposal(request),
  ]);
  const verdict = verdictOf(refund);
  if (verdict.kind === 'refused') {
    const disposal = await accounting.reverseAssetDisposal(request, verdict);
    const disassembly = await manufacturing.cancelDisassemblyOrder(request, verdict);
    const replacement = await inventory.releaseReplacement(request, verdict);
    return finish(request.returnId, { refund, replacement, disassembly, disposal }, teams);
  }
  // Accepted: the held unit ships; a backorder stands as it is.
  const replacement = held.status === 'held' ? await inventory.shipReplacement(request) : held;
  return finish(request.returnId, { refund, replacement, disassembly: ordered, disposal: charged }, teams);
}

// Once every team's record stands, Customer Care tells the customer: one more call, since the workflow already
// holds the whole picture.
async function finish(
  returnId: string,
  records: { refund: OrderRefund; replacement: ReplacementShipment } & TeamRecords,
  { customerCare }: Teams,
): Promise<ReturnWorkflowResult> {
  if (!patched(PROCESS_CHANGES.customerCareNotifies)) {
    const { refund, replacement, disassembly, disposal } = records as Required<TeamRecords>;
    return { returnId, verdict: verdictOf(refund).kind, refund, replacement, disassembly, disposal };
  }
  const notification = await customerCare.notifyCustomer({ refund: records.refund, replacement: records.replacement });
  const outcome = assembleOutcome(returnId, { ...records, notification });
  // Cannot happen once every call returned; failing the run beats retrying a broken invariant forever.
  if (!outcome) {
    throw ApplicationFailure.nonRetryable(`Return ${returnId} is missing a team's record`, 'IncompleteReturn');
  }
  return outcome;
}

// The process before the verdict gated the return, for the runs started then: four calls on the request alone.
async function sequentialBeforeTheVerdictGate(
  request: RefundRequest,
  { sales, inventory, manufacturing, accounting }: Teams,
): Promise<OutcomeBeforeTheVerdictGate> {
  const refund = await sales.createOrderRefundRequest(request);
  const replacement = await inventory.createShipmentRequest(request);
  const disassembly = await manufacturing.registerDisassemblyOrder(request);
  const disposal = await accounting.chargeAssetDisposal(request);
  return { returnId: request.returnId, refund, replacement, disassembly, disposal };
}

async function parallelBeforeTheVerdictGate(
  request: RefundRequest,
  { sales, inventory, manufacturing, accounting }: Teams,
): Promise<OutcomeBeforeTheVerdictGate> {
  const [refund, replacement, disassembly, disposal] = await Promise.all([
    sales.createOrderRefundRequest(request),
    inventory.createShipmentRequest(request),
    manufacturing.registerDisassemblyOrder(request),
    accounting.chargeAssetDisposal(request),
  ]);
  return { returnId: request.returnId, refund, replacement, disassembly, disposal };
}
