// A seeded generator of valid RefundRequests, so parity tests and benchmarks feed both models the same returns.
import { type Currency, MODEL_IDS, type RefundRequest } from '../domain';

const DEFECTS = [
  'Battery drains overnight',
  'Phone will not charge',
  'Screen flickers and shows dead pixels',
  'Cracked display after a short drop',
  'Liquid spilled on the keyboard',
  'Water damage after rain',
  'Speaker rattles at any volume',
  'Buttons stick',
] as const;
const SITES = ['AMS-1', 'DAL-2', 'MAN-1', 'SIN-3'] as const;
const CURRENCY_OF_SITE: Record<(typeof SITES)[number], Currency> = {
  'AMS-1': 'EUR',
  'DAL-2': 'USD',
  'MAN-1': 'GBP',
  'SIN-3': 'USD',
};
const DAY_MILLIS = 24 * 60 * 60 * 1000;

// mulberry32: small, fast and identical on every platform, which is all a reproducible test needs.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  readonly seed: number;
  readonly count: number;
  readonly idPrefix?: string;
  // Share of returns that reuse an earlier order, to exercise "order already refunded".
  readonly repeatedOrderShare?: number;
  readonly models?: readonly string[];
}

export function generateReturns(options: GenerateOptions): RefundRequest[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const prefix = options.idPrefix ?? `G${options.seed}`;
  const models = options.models ?? MODEL_IDS;
  const repeatedOrderShare = options.repeatedOrderShare ?? 0.05;
  const epoch = Date.parse('2026-01-01T00:00:00Z');
  const requests: RefundRequest[] = [];
  for (let index = 0; index < options.count; index++) {
    const returnId = `${prefix}-${String(index).padStart(5, '0')}`;
    const site = pick(SITES);
    const currency = CURRENCY_OF_SITE[site];
    const purchasedMillis = epoch + Math.floor(random() * 200) * DAY_MILLIS + Math.floor(random() * DAY_MILLIS);
    // Up to 45 days later: roughly a third fall outside the 30-day window.
    const requestedMillis = purchasedMillis + Math.floor(random() * 45 * DAY_MILLIS);
    const amountPaid = 9900 + Math.floor(random() * 200000);
    const earlier = requests.length > 0 && random() < repeatedOrderShare ? pick(requests) : null;
    const order = earlier
      ? { ...earlier.order }
      : {
          orderId: `${prefix}-O${String(index).padStart(5, '0')}`,
          purchasedAt: new Date(purchasedMillis).toISOString(),
          amountPaid: { amountCents: amountPaid, currency },
        };
    requests.push({
      returnId,
      requestedAt: new Date(Math.max(requestedMillis, Date.parse(order.purchasedAt))).toISOString(),
      order,
      model: { modelId: earlier ? earlier.model.modelId : pick(models) },
      shipment: {
        shipTo: {
          recipient: `Customer ${index}`,
          street: `${index} Main Street`,
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
        },
      },
      defectiveItem: { serialNumber: `SN-${prefix}-${index}`, reportedDefect: pick(DEFECTS) },
      location: { siteId: site },
      cost: { bookValue: { amountCents: Math.floor(amountPaid * (0.3 + random() * 0.4)), currency } },
    });
  }
  return requests;
}
