import { getSql } from "../_shared/db.ts";
import { type Env, listOf } from "../_shared/env.ts";
import { createSqlIntakeStore } from "../_shared/intake_store.ts";
import { createLog } from "../_shared/log.ts";
import { ownMail } from "../_shared/mail/own.ts";
import { createEmailInboundHandler } from "./handler.ts";

/** The email-inbound function wired to the real database. */
export function serveEmailInbound(env: Env): (req: Request) => Promise<Response> {
  return createEmailInboundHandler({
    store: createSqlIntakeStore(getSql(env)),
    secrets: listOf(env.ISTS_EMAIL_WEBHOOK_SECRETS),
    mailgunSigningKey: env.ISTS_MAILGUN_SIGNING_KEY,
    own: ownMail(env),
    log: createLog("email-inbound"),
  });
}
