// The one catalogue both models start from. Stock then changes only through Inventory's own records.
export interface CatalogueEntry {
  readonly modelId: string;
  readonly name: string;
  readonly initialStock: number;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  { modelId: 'PHONE-X1', name: 'Phone X1', initialStock: 1000 },
  { modelId: 'PHONE-X2', name: 'Phone X2', initialStock: 1000 },
  { modelId: 'TABLET-T5', name: 'Tablet T5', initialStock: 500 },
  { modelId: 'LAPTOP-L3', name: 'Laptop L3', initialStock: 250 },
  // One unit only: the second replacement of this model is backordered, in both models.
  { modelId: 'WATCH-W1', name: 'Watch W1', initialStock: 1 },
  // Discontinued: every replacement is backordered.
  { modelId: 'PHONE-X0', name: 'Phone X0 (discontinued)', initialStock: 0 },
];

export const MODEL_IDS: readonly string[] = CATALOGUE.map((entry) => entry.modelId);

export function isKnownModel(modelId: string): boolean {
  return CATALOGUE.some((entry) => entry.modelId === modelId);
}

export function initialStockOf(modelId: string): number {
  const entry = CATALOGUE.find((candidate) => candidate.modelId === modelId);
  if (!entry) throw new Error(`Unknown model ${modelId}: validation should have rejected it`);
  return entry.initialStock;
}
