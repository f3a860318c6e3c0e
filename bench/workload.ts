// The returns every benchmark subject is fed: return i has the same payload whichever model receives it. A pool
// made by the seeded generator is cycled, and each return gets ids of its own, so no two share a workflow id, a
// request key or an order.
import { isWithinReturnWindow, type RefundRequest } from '../domain';
import { generateReturns } from '../samples/generate-returns';

// Models with hundreds of units or more. Stock still runs out over a long run; Inventory then backorders, which
// costs the same decision and the same write, so the load does not change.
export const BENCH_MODELS: readonly string[] = ['PHONE-X1', 'PHONE-X2', 'TABLET-T5', 'LAPTOP-L3'];
export const DEFAULT_SEED = 20260501;
const POOL_SIZE = 1000;

export interface Workload {
  readonly seed: number;
  readonly poolSize: number;
  readonly models: readonly string[];
  // Share of the pool Sales refuses (returned outside the window): each refused return is undone in the parallel
  // workflow, told to the teams in the sequential one, and compensated or waited for in the choreography.
  readonly refusedShare: number;
  request(index: number): RefundRequest;
  returnId(index: number): string;
  indexOf(returnId: string): number | null;
}

export function createWorkload(seed: number = DEFAULT_SEED): Workload {
  // No repeated orders: every refund decision depends on its own return only, never on which of two returns of
  // one order a team happened to see first under load.
  const pool = generateReturns({ seed, count: POOL_SIZE, idPrefix: 'B', repeatedOrderShare: 0, models: BENCH_MODELS });
  const returnId = (index: number) => `B${index}`;
  const refused = pool.filter((request) => !isWithinReturnWindow(request.order.purchasedAt, request.requestedAt));
  return {
    seed,
    poolSize: POOL_SIZE,
    models: BENCH_MODELS,
    refusedShare: refused.length / POOL_SIZE,
    returnId,
    indexOf: (id) => (/^B\d+$/.test(id) ? Number(id.slice(1)) : null),
    request(index) {
      const base = pool[index % POOL_SIZE];
      return {
        ...base,
        returnId: returnId(index),
        order: { ...base.order, orderId: `O${index}` },
        defectiveItem: { ...base.defectiveItem, serialNumber: `SN-B${index}` },
      };
    },
  };
}
