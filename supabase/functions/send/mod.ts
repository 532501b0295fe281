import { getSql } from "../_shared/db.ts";
import { configWarnings, type Env, pipelineTokens, smtpSettings } from "../_shared/env.ts";
import { createSqlJobStore } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createSmtpMailer } from "../_shared/mail/smtp.ts";
import { createSlackThreadPoster } from "../_shared/slack.ts";
import { createStageHandler } from "../_shared/stage.ts";
import { createSendProcessor } from "./handler.ts";
import { createSqlSendStore } from "./store.ts";

/** The send stage: SMTP and Slack where configured; without them answers are held. */
export function serveSend(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  const log = createLog("send");
  for (const warning of configWarnings(env)) log("configuration warning", { warning });
  const smtp = smtpSettings(env);
  const mail = smtp
    ? { mailer: createSmtpMailer(smtp), from: smtp.from, messageIdDomain: smtp.messageIdDomain }
    : null;
  const slack = env.SLACK_BOT_TOKEN
    ? createSlackThreadPoster({ token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL })
    : null;
  return createStageHandler({
    stage: "send",
    tokens: pipelineTokens(env),
    store: createSqlJobStore(sql),
    log,
    batchSize: 10,
    // Longer than an answer's lease (send_lease_seconds, 120): a claim outlives its attempt.
    lockSeconds: 180,
    processBatch: createSendProcessor({ store: createSqlSendStore(sql), mail, slack, log }),
  });
}
