/** Token prices and the cost of a call. */

/** US dollars per one million input and output tokens of one model. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Price table keyed by model name. */
export type PriceTable = Record<string, ModelPrice>;

/** Standard (non-batch) OpenAI list prices of the default models. */
export const DEFAULT_PRICES: PriceTable = {
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "text-embedding-3-small": { inputPerMillion: 0.02, outputPerMillion: 0 },
};

const SNAPSHOT = /^(.+)-\d{4}-\d{2}-\d{2}$/;

/**
 * The price of `model`: an exact entry, else the entry of the model a dated snapshot belongs to
 * ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"); undefined when the table has neither.
 */
export function priceOf(model: string, prices: PriceTable): ModelPrice | undefined {
  if (Object.hasOwn(prices, model)) return prices[model];
  const base = model.match(SNAPSHOT)?.[1];
  return base && Object.hasOwn(prices, base) ? prices[base] : undefined;
}

/** Cost in US dollars of one call, or undefined when the model has no price. */
export function costOf(
  model: string,
  usage: { promptTokens: number; completionTokens: number },
  prices: PriceTable,
): number | undefined {
  const price = priceOf(model, prices);
  if (!price) return undefined;
  return (usage.promptTokens * price.inputPerMillion +
    usage.completionTokens * price.outputPerMillion) / 1_000_000;
}
