/** What the answer writers, the quality gates and the auto-send decision work on. */
import type { CustomerTier, HistoryItem } from "../ai/types.ts";

/** A knowledge-base article as `public.search_kb_articles` returns it, best first. */
export interface KbArticle {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  body: string;
  url: string;
  category: string;
  subCategory: string | null;
  locale: string;
  /** ts_rank of the full-text match (0 when the words did not match). */
  textRank: number;
  /** Cosine similarity to the ticket's embedding, when embeddings were used. */
  similarity: number | null;
  subCategoryMatch: boolean;
  categoryMatch: boolean;
  /** Reciprocal-rank-fusion score the articles are ordered by. */
  score: number;
}

/** The ticket an answer is written for, with what triage found out. */
export interface AnswerTicket {
  ticketId: string;
  ticketNumber: number;
  channel: string;
  subject: string;
  /** The customer's latest words: the ticket body, or their latest reply on it. */
  body: string;
  /** English translations triage made (OpenAI), when the customer wrote in another language. */
  subjectEn: string | null;
  bodyEn: string | null;
  /** ISO 639-1 language of the customer's message. */
  language: string;
  category: string | null;
  subCategory: string | null;
  emotion: string | null;
  intensity: number | null;
  priority: string;
  /** Triage's confidence in the category, 0..1. */
  triageConfidence: number;
  customerName: string | null;
  customerEmail: string;
  tier: CustomerTier;
  /** The customer's earlier tickets, newest first (at most 3). */
  history: HistoryItem[];
  /** Organisation name used in the closing. */
  orgName: string;
}

/** What a writer gets for one ticket. */
export interface DraftInput {
  ticket: AnswerTicket;
  articles: KbArticle[];
}

/** A drafted answer, before the gates. */
export interface Draft {
  /** The text the customer would receive. */
  body: string;
  /** The English original when `body` is a translation. */
  bodyEn: string | null;
  /** Language of `body`. */
  language: string;
  /** 0..1: how sure the writer is that the answer resolves the request. */
  confidence: number;
  /** Model name stored with the response ("local-template" for the built-in writer). */
  model: string;
  provider: "local" | "openai";
  /** Articles the answer was written from and links to. */
  citedArticleIds: string[];
  /** Why the writer itself wants a person to look (e.g. needs_translation). */
  reviewReasons: string[];
  promptTokens: number | null;
  completionTokens: number | null;
  totalCost: number | null;
  /** Set when OpenAI failed and the local writer answered. */
  fallback?: { from: string; reason: string };
}

/** An answer writer: the built-in template writer, or OpenAI with it as the fallback. */
export interface AnswerWriter {
  readonly name: string;
  draft(input: DraftInput): Promise<Draft>;
}
