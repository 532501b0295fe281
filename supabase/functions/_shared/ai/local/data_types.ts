import type { SubCategory } from "../types.ts";

/** Hand-written training material for one sub-category. */
export interface SubCategoryEntry {
  /** Complete customer messages. */
  examples: string[];
  /** Verb phrases ("reset my password") combined with the generic request frames. */
  phrases: string[];
  /** Noun phrases ("password reset") combined with the generic problem frames. */
  nouns: string[];
}

export type SubCategoryData = Partial<Record<SubCategory, SubCategoryEntry>>;
