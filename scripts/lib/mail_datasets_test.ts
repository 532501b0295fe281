// The e-mail parser against the real mail collections of ../shared/datasets (read at run time,
// never copied here; skipped with a notice when absent). See each table below for the rules.
import assert from "node:assert/strict";
import { join } from "node:path";
import { type ParsedEmail, parseEmail } from "../../supabase/functions/_shared/mail/parse.ts";
import { htmlToText } from "../../supabase/functions/_shared/mail/text.ts";
import {
  EMAILS_DIR,
  listMailFiles,
  loadSpamAssassin,
  mailDatasetsAvailable,
} from "./mail_datasets.ts";
import { parseYaml, type YamlValue } from "./small_yaml.ts";

const available = mailDatasetsAvailable();
if (!available) {
  console.log("notice: ../shared/datasets/emails is absent; the mail dataset tests are skipped");
}

// Every file must parse: parseEmail() may throw MailParseError only for input that is not a
// message at all (empty, no headers), and none of these collections has such a file, so the
// tests below accept no exception of any kind.

Deno.test({
  name: "every Zammad, mikel/mail and sisimai mail file parses without an exception",
  ignore: !available,
  fn: async () => {
    const files = listMailFiles();
    assert.ok(files.length >= 190, `only ${files.length} files found in ${EMAILS_DIR}`);
    const failures: string[] = [];
    for (const file of files) {
      try {
        await parseEmail(await Deno.readFile(file.path));
      } catch (error) {
        failures.push(`${file.collection}/${file.name}: ${(error as Error).message}`);
      }
    }
    console.log(`parsed ${files.length - failures.length}/${files.length} mail files`);
    assert.deepEqual(failures, []);
  },
});

Deno.test({
  name: "every raw SpamAssassin message parses without an exception and has a sender",
  ignore: !available,
  fn: async () => {
    const messages = loadSpamAssassin();
    assert.ok(messages.length > 1000);
    const failures: string[] = [];
    let withoutSender = 0;
    for (const m of messages) {
      // utf8_lossy messages carry U+FFFD where their 8-bit bytes were: still a message.
      try {
        const mail = await parseEmail(m.text);
        if (!mail.replyTo) withoutSender++;
      } catch (error) {
        failures.push(`${m.file}: ${(error as Error).message}`);
      }
    }
    console.log(
      `parsed ${messages.length - failures.length}/${messages.length} SpamAssassin messages ` +
        `(${messages.filter((m) => m.utf8Lossy).length} lossy); ${withoutSender} without sender`,
    );
    assert.deepEqual(failures, []);
    assert.equal(withoutSender, 0);
  },
});

// ─── Zammad's expected parses ────────────────────────────────────────────────────────────────
//
// Rules, per field:
// • from_email: equals our From address, case-insensitive. When From has no usable address we
//   answer Reply-To, as Zammad does (mail019: `From: "我" <>`), so that is compared instead.
// • subject: equal after whitespace is collapsed.
// • body: Zammad keeps HTML for text/html mails (and prefers the HTML alternative); we keep the
//   text part, else the HTML converted. So its body goes through our htmlToText() and both are
//   compared as multisets of words (lower case, NFC; each CJK character a word; URLs and
//   addresses left out, as link rendering differs): Dice similarity at least 0.85. Zammad's
//   "no visible content" placeholder must match an empty text on our side.
// • attachments: Zammad's list without the HTML alternative it stores as "message.html"
//   (preferences content-alternative) and without message/delivery-status parts, which we read
//   into the bounce verdict instead of attaching. Same count.
//
// Where we differ on purpose, or have a known gap, the file is listed here with the value we
// give and why; the test checks that value, so a change shows up either way.

const BODY_SIMILARITY = 0.85;

interface Difference {
  reason: string;
  from?: string | null;
  subject?: string;
  /** "differs": similarity below the threshold; "text": we have text, Zammad has none. */
  body?: "differs" | "text";
  attachments?: number;
}

const DIFFERENCES: Record<string, Difference> = {
  "mail017": {
    reason: "text/plain and text/html alternatives carry different (spam) text: we keep the " +
      "text part, Zammad the HTML",
    body: "differs",
  },
  "mail035": {
    reason: 'Zammad keeps the quotes of From: "finances8@…" (a bare address in quotes); we ' +
      "take the address",
    from: "finances8@firstfinanceloanfirm.example.com",
  },
  "mail043": {
    reason: "the text/plain alternative is a short 'read it online' note, the HTML the " +
      "newsletter: we keep the text part, Zammad the HTML",
    body: "differs",
  },
  "mail044": {
    reason: "From <Claudia.Shu@yahoo.com.>: Zammad keeps the trailing dot, we drop it",
    from: "claudia.shu@yahoo.com",
  },
  "mail053": {
    reason: "From: MAILER-DAEMON (Mail Delivery System) has no domain: no address (a bounce " +
      "needs no sender); Zammad keeps 'MAILER-DAEMON'",
    from: null,
  },
  "mail060": {
    reason: "known gap: UTF-8 text declared as the unknown charset 'iso-gb2312' is read as " +
      "Latin-1 by postal-mime; Zammad garbles it differently",
    body: "differs",
  },
  "mail071": {
    reason: "From <power quadrant system@example.com> is not a mailbox: no sender, the mail " +
      "becomes a dead letter (a fragment would be somebody else's address)",
    from: null,
  },
  "mail076": {
    reason: 'From: "Millions Lottery Spain transfer"@example.com> is broken (and Zammad\'s ' +
      "expectation with it): no sender, the mail becomes a dead letter",
    from: null,
  },
  "mail085": {
    reason: "Apple Mail: a text/plain alternative beside a multipart/mixed of two HTML pieces; " +
      "we keep the text part and treat the HTML pieces as body, Zammad shows the first piece " +
      "and attaches the second as document.html",
    body: "differs",
    attachments: 0,
  },
  "mail087": {
    reason: "a part without Content-Type is text/plain (RFC 2045 §5.2): we read it as the " +
      "body, Zammad stores it as an attachment 'file' and shows no body; From 'Test " +
      "test@example.com' is read as its address",
    from: "test@example.com",
    body: "text",
    attachments: 1,
  },
  "mail093": {
    reason: "known gap: a raw Shift_JIS Subject (8-bit, no encoded word) comes out as " +
      "U+FFFD; Zammad guesses the charset",
    subject: "\ufffdc\ufffd[\ufffd\ufffd",
  },
};

const cjk = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}`;
const wordPattern = new RegExp(`[${cjk}]|[\\p{L}\\p{N}]+`, "gu");

/** The words of a text, as compared: lower case, NFC, without URLs and addresses. */
export function words(text: string): string[] {
  return text.normalize("NFC").toLowerCase().replace(/https?:\/\/\S+|\S+@\S+/g, " ")
    .match(wordPattern) ?? [];
}

/** Dice similarity of two word multisets (1 when both are empty). */
export function similarity(a: string[], b: string[]): number {
  if (a.length + b.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const w of a) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of b) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(w, n - 1);
    }
  }
  return (2 * shared) / (a.length + b.length);
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

function object(value: YamlValue): Record<string, YamlValue> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

/** The fields of a Zammad .yml this test compares. */
interface Expected {
  fromEmail: string;
  subject: string;
  body: string;
  contentType: string;
  attachments: number;
}

function expected(yaml: YamlValue): Expected {
  const y = object(yaml);
  const list = Array.isArray(y.attachments) ? y.attachments : [];
  const counted = list.filter((a) => {
    const prefs = object(object(a).preferences);
    const type = String(prefs["Mime-Type"] ?? prefs["Content-Type"] ?? "").toLowerCase();
    return !prefs["content-alternative"] && !type.startsWith("message/delivery-status");
  });
  return {
    fromEmail: String(y.from_email ?? "").toLowerCase(),
    subject: String(y.subject ?? ""),
    body: String(y.body ?? ""),
    contentType: String(y.content_type ?? "text/plain"),
    attachments: counted.length,
  };
}

type Field = "from" | "subject" | "body" | "attachments";

/** Compares one field; returns null when it matches (by the rule or by its listed difference). */
function compare(field: Field, mail: ParsedEmail, want: Expected, diff?: Difference) {
  const listed = diff !== undefined && field in diff;
  let ok: boolean;
  let got: unknown;
  if (field === "from") {
    got = (mail.from ?? mail.replyTo)?.address ?? null;
    ok = listed ? got === diff!.from : got === want.fromEmail;
  } else if (field === "subject") {
    got = mail.subject;
    ok = listed ? got === diff!.subject : collapse(mail.subject) === collapse(want.subject);
  } else if (field === "attachments") {
    got = mail.attachments.length;
    ok = got === (listed ? diff!.attachments : want.attachments);
  } else {
    const placeholder = want.body.trim() === "no visible content";
    const theirs = want.contentType === "text/html" ? htmlToText(want.body) : want.body;
    const score = similarity(words(theirs), words(mail.text));
    got = placeholder ? JSON.stringify(mail.text.slice(0, 60)) : score.toFixed(2);
    if (listed && diff!.body === "text") ok = placeholder && mail.text.trim() !== "";
    else if (listed) ok = !placeholder && score < BODY_SIMILARITY;
    else ok = placeholder ? mail.text.trim() === "" : score >= BODY_SIMILARITY;
  }
  return { ok, listed, got };
}

Deno.test({
  name: "Zammad mails give Zammad's sender, subject, body and attachment count, " +
    "except the listed differences",
  ignore: !available,
  fn: async () => {
    const dir = join(EMAILS_DIR, "zammad");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".yml"))
      .sort();
    assert.ok(names.length >= 80, `only ${names.length} .yml files in ${dir}`);
    const fields: Field[] = ["from", "subject", "body", "attachments"];
    const tally = Object.fromEntries(fields.map((f) => [f, { match: 0, listed: 0 }]));
    const failures: string[] = [];
    for (const name of names) {
      const id = name.replace(/\.yml$/, "");
      const want = expected(parseYaml(await Deno.readTextFile(join(dir, name))));
      const mail = await parseEmail(await Deno.readFile(join(dir, `${id}.box`)));
      for (const field of fields) {
        const { ok, listed, got } = compare(field, mail, want, DIFFERENCES[id]);
        if (!ok) {
          failures.push(
            `${id} ${field}: got ${JSON.stringify(got)}` +
              (listed ? ` (listed: ${DIFFERENCES[id].reason})` : ""),
          );
        } else tally[field][listed ? "listed" : "match"]++;
      }
    }
    for (const id of Object.keys(DIFFERENCES)) {
      assert.ok(names.includes(`${id}.yml`), `listed difference for a missing file: ${id}`);
    }
    console.log(
      `zammad ${names.length} mails: ` +
        fields.map((f) => `${f} ${tally[f].match} match + ${tally[f].listed} listed`).join(", "),
    );
    assert.deepEqual(failures, []);
  },
});

// ─── sisimai: bounces, abuse reports and auto-replies ────────────────────────────────────────
// The failed recipient is the one each file names (Final-Recipient, X-Failed-Recipients, or
// the text of the report); none of these may become a ticket.

const SISIMAI: Record<string, { kind: string; recipients?: string[] }> = {
  "arf-02": { kind: "feedback_report" },
  "lhost-amazonses-01": { kind: "bounce", recipients: ["shironeko@example.co.jp"] },
  "lhost-courier-01": { kind: "bounce", recipients: ["kijitora@example.co.jp"] },
  "lhost-domino-01": { kind: "bounce", recipients: ["kijitora@example.jp"] },
  "lhost-exchange2003-01": { kind: "bounce", recipients: ["kijitora@example.jp"] },
  "lhost-exchange2007-01": { kind: "bounce", recipients: ["mikeneko@example.co.jp"] },
  "lhost-exim-01": { kind: "bounce", recipients: ["kijitora@example.ed.jp"] },
  "lhost-gmail-01": { kind: "bounce", recipients: ["userunknown@example.jp"] },
  "lhost-googlegroups-01": { kind: "bounce", recipients: ["libsisimai@googlegroups.com"] },
  "lhost-mailru-01": { kind: "bounce", recipients: ["kijitora@example.jp"] },
  "lhost-messagingserver-01": { kind: "bounce", recipients: ["kijitora@example.jp"] },
  "lhost-mimecast-01": { kind: "bounce", recipients: ["sabineko@neko.ef.example.org"] },
  "lhost-office365-01": { kind: "bounce", recipients: ["kijitora@example.com"] },
  "lhost-opensmtpd-01": {
    kind: "bounce",
    recipients: ["apdugoaidugoaidugoaeiudggadi@gmail.com"],
  },
  "lhost-outlook-01": { kind: "bounce", recipients: ["kijitora@example.jp"] },
  "lhost-postfix-01": { kind: "bounce", recipients: ["r@p351355.pool.example.ne.jp"] },
  "lhost-sendgrid-01": { kind: "bounce", recipients: ["kijitora@example.jp"] },
  "lhost-sendmail-01": { kind: "bounce", recipients: ["userunknown@bouncehammer.jp"] },
  "lhost-yahoo-01": { kind: "bounce", recipients: ["kijitora@example.org"] },
  "lhost-yandex-01": { kind: "bounce", recipients: ["kijitora@example.jp"] },
  "rfc3464-01": { kind: "bounce", recipients: ["userunknown@bouncehammer.jp"] },
  "rfc3464-03": { kind: "bounce", recipients: ["kijitora@example.com"] },
  // Both have no MIME boundaries at all: the DSN fields are read from the raw text.
  "rfc3464-04": { kind: "bounce", recipients: ["kijitora@mailx-53.neko.example.edu"] },
  "rfc3464-06": { kind: "bounce", recipients: ["kijitora@example.net"] },
  // Outlook's "Automatic reply:" with only X-Auto-Response-Suppress, and an "Auto reply:"
  // subject: weak cues (a person's mail can carry them), so flagged tickets, not suppressed.
  "rfc3834-02": { kind: "possible_auto_reply" },
  "rfc3834-03": { kind: "possible_auto_reply" },
  "rfc3834-04": { kind: "possible_auto_reply" },
  "rfc3834-05": { kind: "auto_reply" },
};

Deno.test({
  name: "sisimai bounces, abuse reports and auto-replies are recognised, with the failed recipient",
  ignore: !available,
  fn: async () => {
    const files = listMailFiles().filter((f) => f.collection === "sisimai-bounces");
    assert.deepEqual(
      files.map((f) => f.name.replace(/\.eml$/, "")),
      Object.keys(SISIMAI).sort(),
      "the table lists exactly the stored files",
    );
    const failures: string[] = [];
    for (const file of files) {
      const want = SISIMAI[file.name.replace(/\.eml$/, "")];
      const { automated } = await parseEmail(await Deno.readFile(file.path));
      const got = { kind: automated.kind, recipients: automated.bounce?.recipients };
      const ok = got.kind === want.kind &&
        (want.recipients === undefined ||
          JSON.stringify(got.recipients) === JSON.stringify(want.recipients));
      if (!ok) failures.push(`${file.name}: got ${JSON.stringify(got)}`);
    }
    console.log(`sisimai: ${files.length - failures.length}/${files.length} recognised`);
    assert.deepEqual(failures, []);
  },
});
