/**
 * The structured outputs asked of OpenAI, one zod schema per task. Each becomes a strict JSON
 * schema (`zodResponseFormat`) for the request and validates the answer, so a label outside its
 * set, a sub-category of another category or an extra field never reaches a `TriageResult`.
 */
import { z } from "zod";
import { CATEGORIES, EMOTIONS, PRIORITIES, SUB_CATEGORIES, type SubCategory } from "./types.ts";

const SUB_CATEGORY_NAMES = Object.keys(SUB_CATEGORIES) as [SubCategory, ...SubCategory[]];

const classificationShape = {
  category: z.enum(CATEGORIES),
  sub_category: z.enum(SUB_CATEGORY_NAMES).describe("Must belong to the chosen category."),
  confidence: z.number().min(0).max(1).describe("Probability that the category is right."),
};
const sentimentShape = {
  emotion: z.enum(EMOTIONS),
  intensity: z.int().min(1).max(10),
  escalation_needed: z.boolean(),
};
const priorityShape = {
  priority: z.enum(PRIORITIES),
  urgency_score: z.int().min(1).max(10),
  reasoning: z.string().min(1).max(600).describe("One or two sentences, in English."),
};
const extrasShape = {
  language: z.string().regex(/^[a-z]{2}$/).describe("ISO 639-1 code of the customer's message."),
  spam_probability: z.number().min(0).max(1).describe("Probability that the message is spam."),
};

/** Rejects a sub-category that belongs to another category than the one returned. */
function subCategoryMatches(
  value: { category: string; sub_category: SubCategory },
  ctx: z.RefinementCtx,
): void {
  const owner = SUB_CATEGORIES[value.sub_category];
  if (owner !== value.category) {
    ctx.addIssue({
      code: "custom",
      path: ["sub_category"],
      message:
        `sub_category "${value.sub_category}" belongs to "${owner}", not "${value.category}"`,
    });
  }
}

/** Answer of the classification task (parallel mode); also carries language and spam. */
export const ClassificationOutput = z.strictObject({ ...classificationShape, ...extrasShape })
  .superRefine(subCategoryMatches);
export type ClassificationOutput = z.infer<typeof ClassificationOutput>;

/** Answer of the sentiment task (parallel mode). */
export const SentimentOutput = z.strictObject(sentimentShape);
export type SentimentOutput = z.infer<typeof SentimentOutput>;

/** Answer of the priority task (parallel mode). */
export const PriorityOutput = z.strictObject(priorityShape);
export type PriorityOutput = z.infer<typeof PriorityOutput>;

/** Answer of the combined task: the three analyses, language and spam in one object. */
export const CombinedOutput = z.strictObject({
  classification: z.strictObject(classificationShape).superRefine(subCategoryMatches),
  sentiment: z.strictObject(sentimentShape),
  priority: z.strictObject(priorityShape),
  ...extrasShape,
});
export type CombinedOutput = z.infer<typeof CombinedOutput>;

/** Answer of the translation task: subject and body in English. */
export const TranslationOutput = z.strictObject({
  subject: z.string().max(2000),
  body: z.string().max(40_000),
});
export type TranslationOutput = z.infer<typeof TranslationOutput>;
