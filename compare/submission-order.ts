// Submits returns concurrently while keeping the order of the ones that depend on each other: a return for an
// order already being returned, or for a model whose stock runs out within the batch, waits for the earlier one.
// Both models get the same schedule, so their outcomes can be compared exactly.
import { initialStockOf, type RefundRequest } from '../domain';

export function dependenciesOf(requests: readonly RefundRequest[]): Map<string, string[]> {
  const demandOfModel = new Map<string, number>();
  for (const request of requests) {
    demandOfModel.set(request.model.modelId, (demandOfModel.get(request.model.modelId) ?? 0) + 1);
  }
  // A model with stock for every return of the batch ships whatever the order; only scarce models depend on it.
  const scarce = (modelId: string) => {
    const stock = initialStockOf(modelId);
    return stock > 0 && stock < (demandOfModel.get(modelId) ?? 0);
  };
  const lastOfOrder = new Map<string, string>();
  const lastOfModel = new Map<string, string>();
  const dependencies = new Map<string, string[]>();
  for (const request of requests) {
    const earlier = [lastOfOrder.get(request.order.orderId)];
    if (scarce(request.model.modelId)) earlier.push(lastOfModel.get(request.model.modelId));
    dependencies.set(request.returnId, [...new Set(earlier.filter((id): id is string => id !== undefined))]);
    lastOfOrder.set(request.order.orderId, request.returnId);
    lastOfModel.set(request.model.modelId, request.returnId);
  }
  return dependencies;
}

export async function submitInDependencyOrder<T>(
  requests: readonly RefundRequest[],
  submit: (request: RefundRequest) => Promise<T>,
  { concurrency }: { concurrency: number },
): Promise<Map<string, T>> {
  const dependencies = dependenciesOf(requests);
  const done = new Map<string, Promise<T>>();
  const results = new Map<string, T>();
  let running = 0;
  const slotFreed: (() => void)[] = [];
  const takeSlot = async () => {
    while (running >= concurrency) await new Promise<void>((resolve) => slotFreed.push(resolve));
    running++;
  };
  const releaseSlot = () => {
    running--;
    slotFreed.shift()?.();
  };
  for (const request of requests) {
    const waitFor = (dependencies.get(request.returnId) ?? []).flatMap((id) => done.get(id) ?? []);
    const run = (async () => {
      await Promise.all(waitFor);
      await takeSlot();
      try {
        const result = await submit(request);
        results.set(request.returnId, result);
        return result;
      } finally {
        releaseSlot();
      }
    })();
    done.set(request.returnId, run);
    // Surface failures through Promise.all below, not as unhandled rejections.
    run.catch(() => undefined);
  }
  await Promise.all(done.values());
  return results;
}
