/**
 * The e-mail of one answer: From our support address, a Message-ID on our domain, threaded
 * to the customer's message (In-Reply-To, References), subject `Re: <subject> [#T-<n>]`,
 * `Auto-Submitted: auto-replied` when no person sent it, and a plain-text part with an HTML
 * twin built from the same text (escaped: nothing anyone wrote becomes markup).
 */
import type { Mailbox } from "../env.ts";

/** What the send stage knows about an e-mail answer (from claim_response_deliveries). */
export interface EmailAnswer {
  body: string;
  /** Sent without a person's review (auto_sent, follow-ups): marked Auto-Submitted. */
  automatic: boolean;
  /** The agent who wrote or sent it, when a person did. */
  agentName: string | null;
  ticketNumber: number;
  subject: string;
  toEmail: string;
  toName: string | null;
  /** Our Message-ID for this answer, with angle brackets. */
  messageId: string;
  /** The customer's latest message, with angle brackets. */
  inReplyTo: string | null;
  /** The thread's ids, oldest first, with angle brackets. */
  references: string[];
}

/** A composed message, as nodemailer takes it. */
export interface OutgoingEmail {
  from: { name: string; address: string };
  to: { name: string; address: string };
  replyTo: string;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
  text: string;
  html: string;
}

/** `Re: <subject> [#T-<n>]`, without piling up Re:/Fwd: prefixes or a second reference. */
export function answerSubject(subject: string, ticketNumber: number): string {
  const tag = `[#T-${ticketNumber}]`;
  let base = subject.replace(/[\r\n\t]+/g, " ").trim();
  while (/^(re|fwd?|aw|sv|antw)\s*:\s*/i.test(base)) base = base.replace(/^[^:]*:\s*/, "");
  base = base.replaceAll(tag, "").replace(/\s{2,}/g, " ").trim();
  if (base.length > 200) base = `${Array.from(base).slice(0, 199).join("").trimEnd()}…`;
  return `Re: ${base || `Your request`} ${tag}`;
}

/** Escapes text for HTML (element content and attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** The HTML part: paragraphs and line breaks of the text, links for its http(s) URLs. */
export function answerHtml(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, "\n").trim().split(/\n{2,}/).map((p) => {
    let out = "";
    let last = 0;
    for (const m of p.matchAll(URL_PATTERN)) {
      out += escapeHtml(p.slice(last, m.index));
      const url = escapeHtml(m[0]);
      out += `<a href="${url}">${url}</a>`;
      last = m.index! + m[0].length;
    }
    out += escapeHtml(p.slice(last));
    return `<p style="margin:0 0 1em">${out.replace(/\n/g, "<br>\n")}</p>`;
  });
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>` +
    `<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#1f2328">\n` +
    `${paragraphs.join("\n")}\n</body></html>\n`;
}

/** Composes the e-mail of an answer sent from `from`. */
export function answerEmail(answer: EmailAnswer, from: Mailbox, orgName: string): OutgoingEmail {
  const team = from.name ?? `${orgName} Support`;
  const sender = answer.agentName ? `${answer.agentName} (${team})` : team;
  const headers: Record<string, string> = { "X-ISTS-Ticket": `T-${answer.ticketNumber}` };
  if (answer.automatic) {
    // RFC 3834: an automatic answer; also asks Exchange not to answer it with an out-of-office.
    headers["Auto-Submitted"] = "auto-replied";
    headers["X-Auto-Response-Suppress"] = "All";
  }
  const text = answer.body.replace(/\r\n?/g, "\n").trim() + "\n";
  return {
    from: { name: sender, address: from.address },
    to: { name: answer.toName?.trim() ?? "", address: answer.toEmail },
    replyTo: from.address,
    subject: answerSubject(answer.subject, answer.ticketNumber),
    messageId: answer.messageId,
    ...(answer.inReplyTo ? { inReplyTo: answer.inReplyTo } : {}),
    ...(answer.references.length ? { references: answer.references } : {}),
    headers,
    text,
    html: answerHtml(text),
  };
}
