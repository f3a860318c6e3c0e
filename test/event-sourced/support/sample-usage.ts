// The usage statistics of the six sample returns, processed in order, worked out by hand. R-1002 and R-1003 are
// refused: their replacements are cancelled and nothing is charged for them.
import type { UsageStats } from '../../../event-sourced/projections/usage-stats.projection';

export const SAMPLE_USAGE: UsageStats = {
  returnsRequested: 6,
  returnsComplete: 6,
  returnsPerModel: { 'PHONE-X1': 2, 'LAPTOP-L3': 1, 'WATCH-W1': 2, 'PHONE-X0': 1 },
  defectCategories: { battery: 2, display: 2, 'liquid-damage': 1, other: 1 },
  refundsIssued: { count: 4, amount: { EUR: 79900, GBP: 59800, USD: 49900 } },
  refundsRejected: {
    count: 2,
    byReason: { 'outside-return-window': 1, 'order-already-refunded': 1 },
    amountClaimed: { USD: 119900, EUR: 79900 },
  },
  disposalCostBySite: { 'AMS-1': { EUR: 41250 }, 'DAL-2': { USD: 18000 }, 'MAN-1': { GBP: 31000 } },
  replacements: { shipped: 2, backordered: 2, backordersPerModel: { 'WATCH-W1': 1, 'PHONE-X0': 1 }, cancelled: 2 },
  customersNotified: 6,
};
