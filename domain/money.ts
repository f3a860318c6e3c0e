// Money is integer minor units (cents) so sums are exact and survive JSON round trips unchanged.
export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Money {
  readonly amountCents: number;
  readonly currency: Currency;
}

export function money(amountCents: number, currency: Currency): Money {
  return { amountCents, currency };
}

export function zero(currency: Currency): Money {
  return { amountCents: 0, currency };
}
