/**
 * Sends mail through SMTP with nodemailer, one connection per message, and says what a
 * failure means for the message: `retry` (it certainly did not leave: the connection, TLS or
 * login failed, or the server answered 4xx), `permanent` (the server refused it with 5xx) or
 * `uncertain` (the whole message had been handed to the server when the connection broke or
 * timed out without its answer: it may have been accepted, so sending it again could make a
 * duplicate). Which one is told by nodemailer's own account of the session (its logger reports
 * the end of the message data), not guessed from error codes.
 */
import nodemailer from "nodemailer";
import type { SmtpSettings } from "../env.ts";
import type { OutgoingEmail } from "./answer_email.ts";

/** What a failed send means for the message. */
export type MailFailure = "retry" | "permanent" | "uncertain";

/** A failed send, with what it means. */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly kind: MailFailure,
    readonly responseCode: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MailSendError";
  }
}

/** What the server answered to an accepted message. */
export interface MailSent {
  response: string;
  accepted: string[];
}

/** Port for sending composed e-mails; a stub in tests. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<MailSent>;
}

/** Timeouts of one SMTP session in ms. */
export interface SmtpTimeouts {
  connectionMs?: number;
  greetingMs?: number;
  socketMs?: number;
}

/** A mailer speaking SMTP to the configured server (implicit TLS on 465 by default). */
export function createSmtpMailer(settings: SmtpSettings, timeouts: SmtpTimeouts = {}): Mailer {
  return {
    async send(email) {
      let handedOver = false;
      const logger = {
        info(entry: { tnx?: string; outByteCount?: number }) {
          // Logged when the message data, its final "." included, went to the socket.
          if (entry?.tnx === "message" && typeof entry.outByteCount === "number") handedOver = true;
        },
        debug() {},
        trace() {},
        warn() {},
        error() {},
        fatal() {},
      };
      const transport = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? "" } } : {}),
        connectionTimeout: timeouts.connectionMs ?? 10_000,
        greetingTimeout: timeouts.greetingMs ?? 10_000,
        socketTimeout: timeouts.socketMs ?? 30_000,
        name: settings.messageIdDomain,
        disableFileAccess: true,
        disableUrlAccess: true,
        logger,
      });
      try {
        const info = await transport.sendMail({
          ...email,
          envelope: { from: email.from.address, to: [email.to.address] },
        });
        return {
          response: String(info.response ?? ""),
          accepted: (info.accepted ?? []).map((a: unknown) =>
            typeof a === "string" ? a : String((a as { address?: string }).address)
          ),
        };
      } catch (error) {
        throw classifyMailError(error, handedOver);
      } finally {
        transport.close();
      }
    },
  };
}

/** Maps a nodemailer error to what it means, given whether the message had been handed over. */
export function classifyMailError(error: unknown, handedOver: boolean): MailSendError {
  const e = (error ?? {}) as { message?: string; code?: string; responseCode?: number };
  const message = String(e.message ?? error);
  const code = typeof e.responseCode === "number" ? e.responseCode : null;
  if (code !== null && code >= 500) {
    return new MailSendError(`SMTP server refused the message: ${message}`, "permanent", code, {
      cause: error,
    });
  }
  if (code !== null && code >= 400) {
    return new MailSendError(`SMTP server deferred the message: ${message}`, "retry", code, {
      cause: error,
    });
  }
  if (handedOver) {
    return new MailSendError(
      `No answer from the SMTP server after the whole message was sent (${
        e.code ?? "error"
      }: ${message}); it may have been accepted`,
      "uncertain",
      null,
      { cause: error },
    );
  }
  return new MailSendError(
    `Cannot send through SMTP (${e.code ?? "error"}): ${message}`,
    "retry",
    null,
    {
      cause: error,
    },
  );
}
