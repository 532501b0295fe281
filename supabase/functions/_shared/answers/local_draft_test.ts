import assert from "node:assert/strict";
import { failedGates, runGates } from "./gates.ts";
import {
  articleSteps,
  composeAnswer,
  draftLocal,
  empathyLine,
  MAX_ANSWER_CHARS,
  plainText,
  retrievalConfidence,
} from "./local_draft.ts";
import { article, ticket } from "./test_fixtures.ts";
import type { DraftInput } from "./types.ts";

function gatesOf(input: DraftInput) {
  const draft = draftLocal(input);
  return {
    draft,
    failed: failedGates(runGates({
      text: draft.body,
      language: draft.language,
      name: "Priya",
      articles: input.articles,
      customerText: `${input.ticket.subject}\n${input.ticket.body}`,
    })),
  };
}

Deno.test("draftLocal() greets by first name, empathises, gives the steps, the link and a closing", () => {
  const { draft, failed } = gatesOf({ ticket: ticket(), articles: [article()] });
  assert.match(draft.body, /^Hi Priya,\n\nThanks for getting in touch\./);
  assert.match(
    draft.body,
    /\n1\. Open https:\/\/app\.example\.com\/login and click Forgot password\?\./,
  );
  assert.match(draft.body, /\n4\. Choose a new password and sign in with it\./);
  assert.match(
    draft.body,
    /The full guide is here: https:\/\/help\.example\.com\/articles\/reset-your-password/,
  );
  assert.match(draft.body, /Best regards,\nExample Support$/);
  assert.deepEqual(failed, []);
  assert.equal(draft.model, "local-template");
  assert.deepEqual(draft.citedArticleIds, [article().id]);
  assert.deepEqual(draft.reviewReasons, []);
  assert.equal(draft.confidence, 0.96);
});

Deno.test("draftLocal() picks the empathy line from the sentiment", () => {
  const angry = draftLocal({
    ticket: ticket({ emotion: "angry", intensity: 9 }),
    articles: [article()],
  });
  assert.match(angry.body, /^Hi Priya,\n\nI'm really sorry about the trouble/);
  assert.match(empathyLine("frustrated", 4), /^I'm sorry this has been frustrating/);
  assert.match(empathyLine("confused", 5), /step-by-step/);
});

Deno.test("draftLocal() answers another language in English, says a teammate follows up, asks for review", () => {
  const draft = draftLocal({
    ticket: ticket({
      language: "de",
      subject: "Passwort",
      body: "Ich habe mein Passwort vergessen.",
    }),
    articles: [article()],
  });
  assert.equal(draft.language, "en");
  assert.match(draft.body, /A teammate who speaks German will follow up with you in German/);
  assert.match(draft.body, /reset-your-password/);
  assert.deepEqual(draft.reviewReasons, ["needs_translation"]);
});

Deno.test("draftLocal() without an article writes a holding answer and asks for review", () => {
  const { draft, failed } = gatesOf({ ticket: ticket(), articles: [] });
  assert.match(draft.body, /a teammate will look into it/);
  assert.deepEqual(draft.reviewReasons, ["no_kb_article"]);
  assert.deepEqual(failed, []);
  assert.ok(draft.confidence < 0.5);
});

Deno.test("draftLocal() stays within the length gate for an article with many long steps", () => {
  const long = Array.from(
    { length: 12 },
    (_, i) =>
      `${i + 1}. Step ${i + 1}: ${"open the settings page and check the option ".repeat(3)}`,
  )
    .join("\n");
  const draft = draftLocal({ ticket: ticket(), articles: [article({ body: long })] });
  assert.ok(draft.body.length <= MAX_ANSWER_CHARS, `${draft.body.length}`);
  assert.match(draft.body, /The guide below has the remaining steps\./);
  assert.match(draft.body, /reset-your-password/);
});

Deno.test("retrievalConfidence() trusts a sub-category article with matching words most", () => {
  assert.equal(retrievalConfidence([article()]), 1);
  assert.equal(retrievalConfidence([article({ subCategoryMatch: false })]), 0.85);
  assert.equal(retrievalConfidence([article({ textRank: 0 })]), 0.75);
  assert.equal(
    retrievalConfidence([article({ subCategoryMatch: false, categoryMatch: false })]),
    0.7,
  );
  assert.equal(retrievalConfidence([]), 0.2);
});

Deno.test("articleSteps() reads the first numbered list as plain text", () => {
  assert.deepEqual(articleSteps(article().body).slice(0, 2), [
    "Open https://app.example.com/login and click Forgot password?.",
    "Enter the e-mail address you sign in with and click Send reset link.",
  ]);
  assert.equal(
    plainText("See [the guide](https://x.example.com) and `Settings` **now**"),
    "See the guide and Settings now",
  );
});

Deno.test("composeAnswer() greets 'Hi there' when the name is unknown", () => {
  const text = composeAnswer({
    name: null,
    empathy: "Thanks.",
    intro: "",
    steps: [],
    url: null,
    orgName: "Acme",
  });
  assert.match(text, /^Hi there,/);
  assert.match(text, /Best regards,\nAcme Support$/);
});
