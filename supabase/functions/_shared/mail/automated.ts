/**
 * Recognises mail that no person wrote: auto-replies, bulk and list mail, our own mail coming
 * back (loops), bounces with the addresses that failed, and abuse (feedback) reports.
 *
 * Only strong, unambiguous machine signals keep a message from becoming a ticket: RFC 3834
 * `Auto-Submitted` other than `no`, `X-Autoreply` (and its `X-Autorespond` siblings), a loop of
 * our own mail (our Message-ID domain, our addresses, an `X-Loop` naming us), delivery and
 * abuse reports. Weak cues that a person's mail can carry too (an out-of-office-like subject
 * such as "Absence of invoice for November", a role address like postmaster@,
 * `X-Auto-Response-Suppress`, `Precedence: bulk|list|junk`, list headers) only flag the
 * message: it becomes a ticket that is never answered automatically, within a per-sender cap.
 */

/** What kind of machine sent the message; null for a person. */
export type AutomatedKind =
  | "auto_reply"
  | "possible_auto_reply"
  | "bulk"
  | "loop"
  | "bounce"
  | "feedback_report";

/** Kinds decided by weak cues: the message still becomes a ticket, flagged automated. */
export const WEAK_AUTOMATED_KINDS: ReadonlySet<AutomatedKind> = new Set([
  "possible_auto_reply",
  "bulk",
]);

/** A delivery failure report's content. */
export interface BounceInfo {
  /** Addresses the report says could not be delivered. */
  recipients: string[];
  /** True for a permanent failure (action failed, status 5.x.x). */
  permanent: boolean;
  /** The DSN status and diagnostic, e.g. "5.1.1 user unknown". */
  status: string | null;
}

/** The verdict on one message. */
export interface AutomatedVerdict {
  kind: AutomatedKind | null;
  /** Which header or cue decided, e.g. "Auto-Submitted: auto-replied". */
  reason: string | null;
  bounce: BounceInfo | null;
}

/** What the classifier reads from a parsed message. */
export interface AutomatedInput {
  /** Header values by lower-case name (first occurrence). */
  headers: Map<string, string>;
  fromAddress: string | null;
  subject: string;
  messageId: string | null;
  /** Text of message/delivery-status and message/feedback-report parts. */
  deliveryStatus: string | null;
  feedbackReport: boolean;
  text: string;
  /** The message's To addresses: on a bounce, the original sender, never a failed recipient. */
  toAddresses?: string[];
}

/** Where our own mail comes from, to recognise loops. */
export interface OwnMail {
  /** Domains of the Message-IDs we generate and of our support addresses. */
  domains: string[];
  /** Our support addresses. */
  addresses: string[];
}

const autoReplySubject =
  /^\s*(auto(matic)?[ -]?(reply|response|antwort)|autoreply|out of (the )?office|ooo\b|abwesenheit(snotiz)?|absence|r[ée]ponse automatique|respuesta autom[áa]tica|risposta automatica|automatisch antwoord|i am (currently )?out of)/i;
const bounceSender = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounce[s]?)([+@]|$)/i;
const bounceSubject =
  /(undeliver(ed|able)|delivery (status notification|has failed|failure|failed)|returned mail|mail delivery (failed|failure|subsystem)|failure notice|non[- ]?delivery|could not be delivered|zustellung fehlgeschlagen|unzustellbar)/i;

function domainOf(address: string | null): string | null {
  const at = address?.lastIndexOf("@") ?? -1;
  return at >= 0 ? address!.slice(at + 1).toLowerCase().replace(/>$/, "") : null;
}

/** Reads the failed recipients, action and status out of a message/delivery-status part. */
export function readDeliveryStatus(text: string): BounceInfo {
  const recipients = new Set<string>();
  let permanent = false;
  let status: string | null = null;
  // Per-recipient blocks are separated by blank lines; fields may be folded.
  const unfolded = text.replace(/\r\n?/g, "\n").replace(/\n[ \t]+/g, " ");
  for (const block of unfolded.split(/\n\s*\n/)) {
    const field = (name: string) =>
      new RegExp(`^${name}:\\s*(.*)$`, "im").exec(block)?.[1]?.trim() ?? null;
    const final = field("Final-Recipient") ?? field("Original-Recipient");
    const action = field("Action")?.toLowerCase() ?? null;
    const code = field("Status");
    if (!final) continue;
    const address = final.replace(/^[a-z0-9-]+;\s*/i, "").replace(/^<|>$/g, "").trim()
      .toLowerCase();
    if (action !== null && action !== "failed") {
      status ??= [code, field("Diagnostic-Code")].filter(Boolean).join(" ") || null;
      continue;
    }
    if (address.includes("@")) recipients.add(address);
    if (code?.startsWith("5") || action === "failed") permanent = true;
    status = [code, field("Diagnostic-Code")].filter(Boolean).join(" ") || status;
  }
  return { recipients: [...recipients], permanent: permanent && recipients.size > 0, status };
}

/**
 * The failed addresses a plain-text bounce names (Exim, qmail, Exchange, Domino write them in
 * the text, not in a delivery-status part): the addresses above the copy of the original
 * message, permanent when the text carries a 5xx code. Five or more addresses are not trusted.
 */
export function failedAddressesInText(
  text: string,
  exclude: string[],
): { recipients: string[]; permanent: boolean } {
  const cut = text.search(
    /^.*(original message|copy of the (original )?message|message (header|text) follows|below this line|returned message|headers? of the original)/im,
  );
  const head = cut >= 0 ? text.slice(0, cut) : text.slice(0, 3000);
  const skip = new Set(exclude.map((a) => a.toLowerCase()));
  const recipients = [
    ...new Set(
      [...head.matchAll(/[a-z0-9._%+'-]+@[a-z0-9.-]+\.[a-z]{2,}/gi)].map((m) => m[0].toLowerCase()),
    ),
  ].filter((a) => !skip.has(a) && !bounceSender.test(a.split("@")[0]));
  if (recipients.length === 0 || recipients.length >= 5) {
    return { recipients: [], permanent: false };
  }
  return { recipients, permanent: /\b(5\d\d|5\.\d{1,3}\.\d{1,3})\b/.test(head) };
}

/** Decides whether a machine sent the message, and which kind. */
export function classifyAutomated(input: AutomatedInput, own: OwnMail): AutomatedVerdict {
  const h = (name: string) => input.headers.get(name)?.trim() ?? null;
  const verdict = (kind: AutomatedKind, reason: string, bounce: BounceInfo | null = null) => ({
    kind,
    reason,
    bounce,
  });
  const ownDomains = own.domains.map((d) => d.toLowerCase());
  const ownAddresses = own.addresses.map((a) => a.toLowerCase());
  const exclude = [input.fromAddress ?? "", ...ownAddresses, ...(input.toAddresses ?? [])];

  // Our own mail coming back.
  const idDomain = domainOf(input.messageId);
  if (idDomain && ownDomains.includes(idDomain)) {
    return verdict("loop", `Message-ID of our own domain ${idDomain}`);
  }
  if (input.fromAddress && ownAddresses.includes(input.fromAddress.toLowerCase())) {
    return verdict("loop", `From our own address ${input.fromAddress}`);
  }
  const xLoop = h("x-loop");
  if (
    xLoop &&
    (ownAddresses.some((a) => xLoop.toLowerCase().includes(a)) ||
      ownDomains.some((d) => xLoop.toLowerCase().includes(d)))
  ) {
    return verdict("loop", `X-Loop: ${xLoop}`);
  }

  // Reports: delivery failures and abuse complaints.
  const contentType = (h("content-type") ?? "").toLowerCase();
  if (input.feedbackReport || /report-type="?feedback-report/.test(contentType)) {
    return verdict("feedback_report", "multipart/report feedback-report");
  }
  if (input.deliveryStatus !== null || /report-type="?delivery-status/.test(contentType)) {
    const bounce = readDeliveryStatus(input.deliveryStatus ?? "");
    if (!/^(final|original)-recipient:/im.test(input.deliveryStatus ?? "")) {
      // A report without recipient fields (Office 365 sends only text): read the text.
      const found = failedAddressesInText(input.text, exclude);
      bounce.recipients = found.recipients;
      bounce.permanent = found.permanent;
    }
    const failed = h("x-failed-recipients");
    if (failed) {
      for (const a of failed.split(/[,\s]+/)) {
        if (a.includes("@")) bounce.recipients.push(a.toLowerCase());
      }
      bounce.recipients = [...new Set(bounce.recipients)];
      bounce.permanent = bounce.recipients.length > 0;
    }
    return verdict("bounce", "multipart/report delivery-status", bounce);
  }
  const senderLocal = input.fromAddress?.split("@")[0] ?? "";
  if (
    bounceSender.test(senderLocal) &&
    (bounceSubject.test(input.subject) || h("x-failed-recipients"))
  ) {
    const failed = (h("x-failed-recipients") ?? "").split(/[,\s]+/).filter((a) => a.includes("@"))
      .map((a) => a.toLowerCase());
    const found = failed.length > 0
      ? { recipients: failed, permanent: true }
      : failedAddressesInText(input.text, exclude);
    return verdict("bounce", `bounce from ${input.fromAddress}`, { ...found, status: null });
  }
  if (/report-type="?disposition-notification/.test(contentType)) {
    return verdict("auto_reply", "read receipt (disposition-notification)");
  }

  // Auto-replies: unambiguous machine headers.
  const autoSubmitted = h("auto-submitted");
  if (autoSubmitted && autoSubmitted.toLowerCase() !== "no") {
    return verdict("auto_reply", `Auto-Submitted: ${autoSubmitted}`);
  }
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponder"]) {
    if (h(name) !== null) return verdict("auto_reply", `${name}: ${h(name)}`);
  }
  const precedence = h("precedence")?.toLowerCase() ?? null;
  if (precedence === "auto_reply") return verdict("auto_reply", "Precedence: auto_reply");

  // Weak cues: a person may write such a mail, so it is only flagged.
  const suppress = h("x-auto-response-suppress");
  if (suppress && suppress.toLowerCase() !== "none") {
    return verdict("possible_auto_reply", `X-Auto-Response-Suppress: ${suppress}`);
  }
  if (h("x-autogenerated") !== null) {
    return verdict("possible_auto_reply", `X-AutoGenerated: ${h("x-autogenerated")}`);
  }
  if (autoReplySubject.test(input.subject)) {
    return verdict("possible_auto_reply", "auto-reply subject");
  }
  if (bounceSender.test(senderLocal)) {
    return verdict("possible_auto_reply", `role address ${input.fromAddress}`);
  }
  if (precedence && ["bulk", "junk", "list"].includes(precedence)) {
    return verdict("bulk", `Precedence: ${precedence}`);
  }
  if (xLoop) return verdict("bulk", `X-Loop: ${xLoop}`);
  if (h("list-id")) return verdict("bulk", `List-Id: ${h("list-id")}`);
  if (h("list-unsubscribe")) return verdict("bulk", "List-Unsubscribe");
  return { kind: null, reason: null, bounce: null };
}
