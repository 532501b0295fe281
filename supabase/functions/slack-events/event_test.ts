import assert from "node:assert/strict";
import { isEmailAddress } from "../_shared/normalise.ts";
import {
  arrivalIgnoreReason,
  ignoreReason,
  mentionedUsers,
  placeholderEmail,
  type SlackAuthor,
  SlackEnvelope,
  slackMarkupToText,
  threadReplyText,
  toNormalisedMessage,
} from "./event.ts";

const CHANNELS = ["C0SUPPORT", "G0PRIVATE"];
const JANE: SlackAuthor = { email: "jane@example.com", name: "Jane Doe", identity: "profile" };

function envelope(event: Record<string, unknown> = {}): SlackEnvelope {
  return SlackEnvelope.parse({
    type: "event_callback",
    team_id: "T0TEAM",
    event_id: "Ev0001",
    authorizations: [{ user_id: "U0OURBOT", is_bot: true }],
    event: {
      type: "message",
      channel: "C0SUPPORT",
      user: "U0JANE",
      text: "The export button does nothing",
      ts: "1700000000.000100",
      ...event,
    },
  });
}

// Filters -----------------------------------------------------------------------------------

Deno.test("ignoreReason() accepts a person's message or app_mention in a support channel", () => {
  assert.equal(ignoreReason(envelope(), CHANNELS), null);
  assert.equal(ignoreReason(envelope({ type: "app_mention" }), CHANNELS), null);
  assert.equal(ignoreReason(envelope({ channel: "G0PRIVATE" }), CHANNELS), null);
  assert.equal(ignoreReason(envelope({ subtype: "thread_broadcast" }), CHANNELS), null);
  assert.equal(
    ignoreReason(
      envelope({ subtype: "file_share", text: "", files: [{ name: "a.png" }] }),
      CHANNELS,
    ),
    null,
  );
});

Deno.test("ignoreReason() names why bots, edits, deletions and other subtypes are ignored", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ bot_id: "B0OTHER" }, "a bot's message"],
    [{ subtype: "bot_message", user: undefined }, "a bot's message"],
    [{ user: "U0OURBOT" }, "our own bot's message"],
    [{ subtype: "message_changed", user: undefined }, "an edit (message_changed)"],
    [{ subtype: "message_deleted", user: undefined }, "a deletion (message_deleted)"],
    [{ subtype: "channel_join" }, "message subtype channel_join"],
    [{ hidden: true }, "a hidden message"],
    [{ type: "reaction_added" }, "event type reaction_added is not a message"],
  ];
  for (const [event, reason] of cases) {
    assert.equal(ignoreReason(envelope(event), CHANNELS), reason, JSON.stringify(event));
  }
});

Deno.test("ignoreReason() ignores other channels, direct messages and empty messages", () => {
  assert.equal(
    ignoreReason(envelope({ channel: "C0RANDOM" }), CHANNELS),
    "channel C0RANDOM is not the support channel",
  );
  assert.equal(
    ignoreReason(envelope({ channel: "D0DIRECT", channel_type: "im" }), CHANNELS),
    "channel D0DIRECT is not the support channel",
  );
  assert.equal(ignoreReason(envelope({ text: "   " }), CHANNELS), "an empty message");
  assert.equal(ignoreReason(envelope({ user: undefined }), CHANNELS), "no user");
});

// Markup ------------------------------------------------------------------------------------

Deno.test("slackMarkupToText() turns mentions into names when known, ids otherwise", () => {
  const names = new Map([["U0ANN", "Ann Lee"]]);
  assert.equal(
    slackMarkupToText("Hi <@U0ANN> and <@U0BOB>, ask <@U0CAL|cal>", names),
    "Hi @Ann Lee and @U0BOB, ask @cal",
  );
});

Deno.test("slackMarkupToText() shows links as label (url) and bare links as the url", () => {
  assert.equal(
    slackMarkupToText("See <https://acme.example.com/billing?a=1&amp;b=2|the billing page>"),
    "See the billing page (https://acme.example.com/billing?a=1&b=2)",
  );
  assert.equal(slackMarkupToText("<https://acme.example.com>"), "https://acme.example.com");
  assert.equal(slackMarkupToText("<http://acme.example.com|acme.example.com>"), "acme.example.com");
  assert.equal(slackMarkupToText("<mailto:jo@example.com|jo@example.com>"), "jo@example.com");
});

Deno.test("slackMarkupToText() converts channels, broadcasts, groups and dates", () => {
  assert.equal(slackMarkupToText("in <#C0GEN|general> and <#C0OPS>"), "in #general and #C0OPS");
  assert.equal(slackMarkupToText("<!here> <!channel> <!everyone>"), "@here @channel @everyone");
  assert.equal(slackMarkupToText("<!subteam^S0ONCALL|@oncall> help"), "@oncall help");
  assert.equal(
    slackMarkupToText("since <!date^1392734382^{date}|Feb 18, 2014>"),
    "since Feb 18, 2014",
  );
});

Deno.test("slackMarkupToText() decodes &amp; &lt; &gt; exactly once", () => {
  assert.equal(slackMarkupToText("a &lt;b&gt; &amp; c &amp;lt;"), "a <b> & c &lt;");
});

Deno.test("mentionedUsers() lists unlabelled user mentions once", () => {
  assert.deepEqual(mentionedUsers("<@U1> <@U2|x> <@W3> <@U1> <#C1>"), ["U1", "W3"]);
});

Deno.test("placeholderEmail() is stable, valid and under the reserved .invalid domain", () => {
  const email = placeholderEmail("U0ABC123", "T0TEAM");
  assert.equal(email, "u0abc123@t0team.slack.invalid");
  assert.ok(isEmailAddress(email));
  assert.equal(placeholderEmail("U0ABC123", undefined), "u0abc123@unknown.slack.invalid");
});

// The normalised message --------------------------------------------------------------------

Deno.test("toNormalisedMessage() builds a slack message with channel:ts and the event id", () => {
  const m = toNormalisedMessage(envelope(), JANE);
  assert.equal(m.channel, "slack");
  assert.equal(m.email, "jane@example.com");
  assert.equal(m.name, "Jane Doe");
  assert.equal(m.subject, "The export button does nothing");
  assert.equal(m.body, "The export button does nothing");
  assert.equal(m.messageId, "C0SUPPORT:1700000000.000100");
  assert.deepEqual(m.extraIds, ["Ev0001"]);
  assert.deepEqual(m.references, []);
  assert.deepEqual(m.metadata.slack, {
    team_id: "T0TEAM",
    channel: "C0SUPPORT",
    user: "U0JANE",
    ts: "1700000000.000100",
    thread_ts: null,
    event_id: "Ev0001",
    event_type: "message",
    identity: "profile",
  });
});

Deno.test("toNormalisedMessage() references the thread's parent for a reply", () => {
  const reply = toNormalisedMessage(
    envelope({ ts: "1700000100.000200", thread_ts: "1700000000.000100" }),
    JANE,
  );
  assert.deepEqual(reply.references, ["C0SUPPORT:1700000000.000100"]);
  const parent = toNormalisedMessage(envelope({ thread_ts: "1700000000.000100" }), JANE);
  assert.deepEqual(parent.references, [], "a thread's parent references nothing");
});

Deno.test("toNormalisedMessage() drops the leading mention of our bot and converts markup", () => {
  const m = toNormalisedMessage(
    envelope({
      type: "app_mention",
      text: "<@U0OURBOT> my invoice from <@U0ANN> is wrong &amp; late",
    }),
    JANE,
    new Map([["U0ANN", "Ann Lee"]]),
  );
  assert.equal(m.body, "my invoice from @Ann Lee is wrong & late");
});

Deno.test("toNormalisedMessage() cuts a long first line into the subject and keeps files", () => {
  const text = "word ".repeat(40).trim();
  const m = toNormalisedMessage(
    envelope({
      text,
      subtype: "file_share",
      files: [{ id: "F1", name: "error.png", mimetype: "image/png", size: 1234 }],
    }),
    JANE,
  );
  assert.ok(m.subject.length <= 81 && m.subject.endsWith("…"));
  assert.equal(m.body, text);
  assert.deepEqual(m.attachments, [{
    name: "error.png",
    type: "image/png",
    size: 1234,
    slack_file_id: "F1",
    url: null,
  }]);
  const filesOnly = toNormalisedMessage(
    envelope({ text: "", subtype: "file_share", files: [{ name: "log.txt" }] }),
    JANE,
  );
  assert.equal(filesOnly.body, "Shared log.txt");
});

Deno.test("arrivalIgnoreReason() keeps a person's thread reply in any channel for processing", () => {
  const reply = envelope({ channel: "C0TEAM", thread_ts: "1699999999.000100" });
  assert.equal(arrivalIgnoreReason(reply, ["C0SUPPORT"]), null);
  assert.match(String(ignoreReason(reply, ["C0SUPPORT"])), /not the support channel/);
  const top = envelope({ channel: "C0TEAM" });
  assert.match(String(arrivalIgnoreReason(top, ["C0SUPPORT"])), /not the support channel/);
  const bot = envelope({ channel: "C0TEAM", thread_ts: "1699999999.000100", bot_id: "B1" });
  assert.equal(arrivalIgnoreReason(bot, ["C0SUPPORT"]), "a bot's message");
});

Deno.test("threadReplyText() drops our bot's leading mention and converts markup, keeping lines", () => {
  const e = envelope({ text: "<@U0OURBOT>: &gt;&gt; Line one\r\n<!here> line two" });
  assert.equal(threadReplyText(e), ">> Line one\n@here line two");
});
