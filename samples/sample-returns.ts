// The built-in returns both start scripts run: one of each path a reader should see.
// Order matters: R-1003 repeats R-1001's order, and R-1005 wants the watch R-1004 took the last unit of.
import type { RefundRequest } from '../domain';

const address = (recipient: string, city: string, country: string) => ({
  recipient,
  street: '1 Example Street',
  city,
  postalCode: '1011 AB',
  country,
});

export const SAMPLE_RETURNS: readonly RefundRequest[] = [
  {
    returnId: 'R-1001',
    requestedAt: '2026-05-11T09:00:00Z',
    order: {
      orderId: 'O-5001',
      purchasedAt: '2026-05-01T10:00:00Z',
      amountPaid: { amountCents: 79900, currency: 'EUR' },
    },
    model: { modelId: 'PHONE-X1' },
    shipment: { shipTo: address('Ada Lovelace', 'Amsterdam', 'NL') },
    defectiveItem: { serialNumber: 'SN-X1-000123', reportedDefect: 'Battery swells and drains within an hour' },
    location: { siteId: 'AMS-1' },
    cost: { bookValue: { amountCents: 41250, currency: 'EUR' } },
  },
  {
    returnId: 'R-1002',
    requestedAt: '2026-06-15T14:30:00Z',
    order: {
      orderId: 'O-5002',
      purchasedAt: '2026-05-01T10:00:00Z',
      amountPaid: { amountCents: 119900, currency: 'USD' },
    },
    model: { modelId: 'LAPTOP-L3' },
    shipment: { shipTo: address('Grace Hopper', 'Dallas', 'US') },
    defectiveItem: { serialNumber: 'SN-L3-004711', reportedDefect: 'Cracked screen after 6 weeks' },
    location: { siteId: 'DAL-2' },
    cost: { bookValue: { amountCents: 70000, currency: 'USD' } },
  },
  {
    returnId: 'R-1003',
    requestedAt: '2026-05-20T08:15:00Z',
    order: {
      orderId: 'O-5001',
      purchasedAt: '2026-05-01T10:00:00Z',
      amountPaid: { amountCents: 79900, currency: 'EUR' },
    },
    model: { modelId: 'PHONE-X1' },
    shipment: { shipTo: address('Ada Lovelace', 'Amsterdam', 'NL') },
    defectiveItem: { serialNumber: 'SN-X1-000999', reportedDefect: 'Dropped in water, will not turn on' },
    location: { siteId: 'AMS-1' },
    cost: { bookValue: { amountCents: 41250, currency: 'EUR' } },
  },
  {
    returnId: 'R-1004',
    requestedAt: '2026-07-02T11:00:00Z',
    order: {
      orderId: 'O-5004',
      purchasedAt: '2026-06-20T16:45:00Z',
      amountPaid: { amountCents: 29900, currency: 'GBP' },
    },
    model: { modelId: 'WATCH-W1' },
    shipment: { shipTo: address('Alan Turing', 'Manchester', 'GB') },
    defectiveItem: { serialNumber: 'SN-W1-000042', reportedDefect: 'Touch does not respond on the left edge' },
    location: { siteId: 'MAN-1' },
    cost: { bookValue: { amountCents: 15500, currency: 'GBP' } },
  },
  {
    returnId: 'R-1005',
    requestedAt: '2026-07-03T12:00:00Z',
    order: {
      orderId: 'O-5005',
      purchasedAt: '2026-06-25T09:30:00Z',
      amountPaid: { amountCents: 29900, currency: 'GBP' },
    },
    model: { modelId: 'WATCH-W1' },
    shipment: { shipTo: address('Joan Clarke', 'London', 'GB') },
    defectiveItem: { serialNumber: 'SN-W1-000077', reportedDefect: 'Strap clasp broke off' },
    location: { siteId: 'MAN-1' },
    cost: { bookValue: { amountCents: 15500, currency: 'GBP' } },
  },
  {
    returnId: 'R-1006',
    requestedAt: '2026-08-01T10:00:00Z',
    order: {
      orderId: 'O-5006',
      purchasedAt: '2026-07-28T10:00:00Z',
      amountPaid: { amountCents: 49900, currency: 'USD' },
    },
    model: { modelId: 'PHONE-X0' },
    shipment: { shipTo: address('Katherine Johnson', 'Dallas', 'US') },
    defectiveItem: { serialNumber: 'SN-X0-000001', reportedDefect: 'Will not charge with any cable' },
    location: { siteId: 'DAL-2' },
    cost: { bookValue: { amountCents: 18000, currency: 'USD' } },
  },
];
