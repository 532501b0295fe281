/** The IMAP mailbox through imapflow (node:net / node:tls under Deno). */
import { ImapFlow } from "imapflow";
import type { ImapSettings } from "../_shared/env.ts";
import { type MailboxSession, MailboxUnavailableError } from "./handler.ts";

/** The key the poll state is stored under: user@host:port/mailbox. */
export function mailboxKey(settings: ImapSettings): string {
  return `${settings.user}@${settings.host}:${settings.port}/${settings.mailbox}`;
}

/** Connects, logs in and selects the mailbox read-write. */
export async function openImapMailbox(settings: ImapSettings): Promise<MailboxSession> {
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    clientInfo: { name: "ists-email-poll" },
  });
  // A dropped connection is reported through the promise of the command in flight.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.logout().catch(() => client.close());
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) {
      throw new Error(`IMAP login refused for ${settings.user}`);
    }
    throw new MailboxUnavailableError(
      `cannot connect to ${settings.host}:${settings.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let box;
  try {
    box = await client.mailboxOpen(settings.mailbox);
  } catch (error) {
    await client.logout().catch(() => client.close());
    throw new Error(`cannot open mailbox "${settings.mailbox}": ${(error as Error).message}`);
  }

  /** Runs a command; a failure on a dead connection stops the run instead of blaming the message. */
  const command = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (!client.usable) {
        throw new MailboxUnavailableError(`IMAP connection lost: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    }
  };

  return {
    uidValidity: BigInt(box.uidValidity),
    uidNext: Number(box.uidNext),
    search: (from, to, unseenOnly) =>
      command(async () => {
        const query = unseenOnly ? { uid: `${from}:${to}`, seen: false } : { uid: `${from}:${to}` };
        const found = await client.search(query, { uid: true });
        // "n:m" is unordered in IMAP; keep the range asked for.
        return (found || []).filter((uid) => uid >= from && uid <= to).sort((a, b) => a - b);
      }),
    size: (uid) =>
      command(async () => {
        const message = await client.fetchOne(String(uid), { size: true }, { uid: true });
        return message ? Number(message.size) : null;
      }),
    source: (uid, maxBytes) =>
      command(async () => {
        // BODY.PEEK[]<0.maxBytes>: the first bytes only, without setting \Seen.
        const source = maxBytes ? { start: 0, maxLength: maxBytes } : true;
        const message = await client.fetchOne(String(uid), { source }, { uid: true });
        return message && message.source ? new Uint8Array(message.source) : null;
      }),
    markSeen: (uid) =>
      command(async () => {
        await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
      }),
    close: async () => {
      await client.logout().catch(() => client.close());
    },
  };
}
