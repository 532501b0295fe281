import { getSql } from "../_shared/db.ts";
import { type Env, imapSettings, pipelineTokens } from "../_shared/env.ts";
import { createLog } from "../_shared/log.ts";
import { ownMail } from "../_shared/mail/own.ts";
import { createEmailPollHandler } from "./handler.ts";
import { mailboxKey, openImapMailbox } from "./mailbox.ts";
import { createSqlPollStore } from "./store.ts";

/** The email-poll function wired to the configured mailbox and the real database. */
export function serveEmailPoll(env: Env): (req: Request) => Promise<Response> {
  const settings = imapSettings(env);
  return createEmailPollHandler({
    tokens: pipelineTokens(env),
    mailbox: settings === null
      ? null
      : { key: mailboxKey(settings), open: () => openImapMailbox(settings) },
    store: createSqlPollStore(getSql(env)),
    own: ownMail(env),
    log: createLog("email-poll"),
  });
}
