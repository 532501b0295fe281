/**
 * Assembles the hand-written training material into labelled examples: complete messages,
 * phrase/noun templates expanded with generic request frames, and deterministic augmentations
 * (e-mail greetings and signatures, typos, lower-case without punctuation).
 */
import { SUB_CATEGORIES, type SubCategory } from "../types.ts";
import { ACCOUNT_DATA } from "./data_account.ts";
import { BILLING_DATA } from "./data_billing.ts";
import { GENERAL_DATA } from "./data_general.ts";
import { TECHNICAL_DATA } from "./data_technical.ts";
import type { SubCategoryEntry } from "./data_types.ts";
import { LONGFORM, LONGFORM_QUEUES } from "./data_longform.ts";
import { MAIL_TICKETS } from "./data_mail.ts";
import { CAPABILITY_TICKETS } from "./data_capability.ts";
import { BOUNDARY_TICKETS } from "./data_boundaries.ts";
import { rng } from "./classifier.ts";

/** Sub-categories in a fixed order: the class index of the classifier. */
export const LABELS = Object.keys(SUB_CATEGORIES) as SubCategory[];

export const DATA: Record<SubCategory, SubCategoryEntry> = {
  ...ACCOUNT_DATA,
  ...BILLING_DATA,
  ...TECHNICAL_DATA,
  ...GENERAL_DATA,
} as Record<SubCategory, SubCategoryEntry>;

const REQUEST_FRAMES = [
  "I need to {p}",
  "how do I {p}?",
  "can you help me {p}?",
  "I want to {p}",
  "please help me {p}",
  "I'd like to {p}",
  "could you tell me how to {p}?",
  "I don't know how to {p}",
  "what do I have to do to {p}?",
  "is it possible to {p}?",
  "i wanna {p}",
  "{p}",
  "I am trying to {p} but I don't know where to start",
  "would you help me {p}, please?",
  "need help to {p}",
  "I have been trying to {p} all day",
  "Can I {p} online?",
  "tell me how I can {p}",
];

const NOUN_FRAMES = [
  "I have a problem with {n}",
  "question about {n}",
  "help with {n}",
  "issue with {n}",
  "I need information about {n}",
  "{n}",
  "can you help me with {n}?",
  "I need assistance with {n}",
  "where can I get info on {n}?",
  "I'm writing about {n}",
  "I have a question regarding {n}",
];

const GREETINGS = [
  "Hi,",
  "Hello team,",
  "Dear Support,",
  "Good morning,",
  "Hey",
  "Dear Sir or Madam,",
  "Hello, I hope you are well.",
  "Hi there!",
];
const CLOSINGS = [
  "Thanks",
  "Thank you in advance.",
  "Best regards,\nJohn",
  "Kind regards,\nSarah Miller\nAcme Corp",
  "Cheers",
  "Looking forward to your reply.",
  "Sent from my iPhone",
  "Many thanks for your help, I look forward to hearing from you soon.",
  "Regards, Peter",
  "Best regards,\nMaria Lopez\nAccount number: 88220173",
  "Thank you,\nTom Becker\nCustomer ID 55-1029 | Phone +1 555 0100",
  "Kind regards,\nAnna Kowalski\nanna.kowalski@example.com",
];

/** One base item: a complete message and the group used to keep augmentations together. */
export interface BaseItem {
  text: string;
  label: number;
  group: number;
}

export function baseItems(): BaseItem[] {
  const items: BaseItem[] = [];
  let group = 0;
  LABELS.forEach((sub, label) => {
    const d = DATA[sub];
    for (const t of d.examples) items.push({ text: t, label, group: group++ });
    for (const t of LONGFORM[sub] ?? []) items.push({ text: t, label, group: group++ });
    for (const t of LONGFORM_QUEUES[sub] ?? []) items.push({ text: t, label, group: group++ });
    for (const t of MAIL_TICKETS[sub] ?? []) items.push({ text: t, label, group: group++ });
    for (const t of CAPABILITY_TICKETS[sub] ?? []) items.push({ text: t, label, group: group++ });
    for (const t of BOUNDARY_TICKETS[sub] ?? []) items.push({ text: t, label, group: group++ });
    d.phrases.forEach((p, i) => {
      for (let j = 0; j < 5; j++) {
        const f = REQUEST_FRAMES[(i * 5 + j * 3 + label) % REQUEST_FRAMES.length];
        items.push({ text: f.replace("{p}", p), label, group });
      }
      group++;
    });
    d.nouns.forEach((n, i) => {
      for (let j = 0; j < 4; j++) {
        const f = NOUN_FRAMES[(i * 4 + j * 2 + label) % NOUN_FRAMES.length];
        items.push({ text: f.replace("{n}", n), label, group });
      }
      group++;
    });
  });
  return items;
}

function typo(text: string, rand: () => number): string {
  const words = text.split(" ");
  const cands = words.map((w, i) => (w.length >= 5 ? i : -1)).filter((i) => i >= 0);
  if (cands.length === 0) return text.toLowerCase();
  const i = cands[Math.floor(rand() * cands.length)];
  const w = words[i];
  const p = 1 + Math.floor(rand() * (w.length - 2));
  words[i] = rand() < 0.5
    ? w.slice(0, p) + w[p + 1] + w[p] + w.slice(p + 2)
    : w.slice(0, p) + w.slice(p + 1);
  return words.join(" ");
}

/** Base items plus one deterministic augmentation of each. */
export function augment(items: BaseItem[], seed = 11): BaseItem[] {
  const rand = rng(seed);
  const out: BaseItem[] = [];
  items.forEach((it, n) => {
    out.push(it);
    const r = n % 3;
    if (r === 0) {
      const g = GREETINGS[Math.floor(rand() * GREETINGS.length)];
      const c = CLOSINGS[Math.floor(rand() * CLOSINGS.length)];
      out.push({ ...it, text: `${g}\n\n${it.text}\n\n${c}` });
    } else if (r === 1) {
      out.push({ ...it, text: typo(it.text, rand) });
    } else {
      out.push({ ...it, text: it.text.toLowerCase().replace(/[.,!?']/g, "") });
    }
  });
  return out;
}
