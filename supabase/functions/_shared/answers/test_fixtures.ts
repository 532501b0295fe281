/** Tickets and articles the answer tests share. */
import type { AnswerTicket, KbArticle } from "./types.ts";

/** A calm standard customer asking how to reset a password. */
export function ticket(overrides: Partial<AnswerTicket> = {}): AnswerTicket {
  return {
    ticketId: "00000000-0000-4000-8000-0000000000a1",
    ticketNumber: 101,
    channel: "email",
    subject: "Password reset link expired",
    body: "Hi, the reset link I got yesterday has expired. Could you help? Thanks, Priya",
    subjectEn: null,
    bodyEn: null,
    language: "en",
    category: "account",
    subCategory: "password_reset",
    emotion: "neutral",
    intensity: 3,
    priority: "low",
    triageConfidence: 0.96,
    customerName: "Priya Nair",
    customerEmail: "priya.nair@example.com",
    tier: "standard",
    history: [],
    orgName: "Example Support",
    ...overrides,
  };
}

/** The password-reset article, as the search returns it (a direct match). */
export function article(overrides: Partial<KbArticle> = {}): KbArticle {
  return {
    id: "00000000-0000-4000-8000-0000000000b1",
    slug: "reset-your-password",
    title: "Reset your password",
    summary: "You can reset your password yourself from the sign-in page; the reset link works " +
      "for 60 minutes.",
    body: "Request a new link from the sign-in page.\n\n" +
      "1. Open https://app.example.com/login and click **Forgot password?**.\n" +
      "2. Enter the e-mail address you sign in with and click **Send reset link**.\n" +
      "3. Open the e-mail and click the link within 60 minutes.\n" +
      "4. Choose a new password and sign in with it.\n\n## Good to know\n\n- Links work once.",
    url: "https://help.example.com/articles/reset-your-password",
    category: "account",
    subCategory: "password_reset",
    locale: "en",
    textRank: 0.42,
    similarity: null,
    subCategoryMatch: true,
    categoryMatch: true,
    score: 0.039,
    ...overrides,
  };
}

/** An answer that passes every gate for `ticket()` and `article()`. */
export const GOOD_ANSWER = `Hi Priya,

Thanks for getting in touch. You can reset your password yourself from the sign-in page:

1. Open https://app.example.com/login and click Forgot password?.
2. Enter the e-mail address you sign in with and click Send reset link.
3. Open the e-mail and click the link within 60 minutes.

The full guide is here: https://help.example.com/articles/reset-your-password

Best regards,
Example Support`;
