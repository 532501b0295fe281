import assert from "node:assert/strict";
import {
  emailToMessage,
  MailParseError,
  MAX_PARSE_BYTES,
  parseEmail,
  unusableReason,
} from "./parse.ts";

const own = { domains: ["support.example.com"], addresses: ["help@support.example.com"] };

/** A message from header lines and a body, CRLF line ends. */
function mail(headers: string[], body: string): string {
  return `${headers.join("\r\n")}\r\n\r\n${body.replace(/\r?\n/g, "\r\n")}`;
}

function bytes(...parts: Array<string | number[]>): Uint8Array {
  const chunks = parts.map((p) =>
    typeof p === "string" ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : Uint8Array.from(p)
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

Deno.test("parseEmail decodes encoded words in ISO-8859-1 and UTF-8 folded across lines", async () => {
  const m = await parseEmail(
    mail([
      "From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.com>",
      "To: help@support.example.com",
      "Subject: =?UTF-8?B?UmVjaG51bmcgZsO8ciBN?=",
      " =?UTF-8?B?w6RyeiBmZWhsdA==?=",
      "Message-ID: <a1@example.com>",
      "Content-Type: text/plain; charset=utf-8",
    ], "Hallo, die Rechnung fehlt."),
    own,
  );
  assert.equal(m.subject, "Rechnung für März fehlt");
  assert.deepEqual(m.from, { name: "Jürgen Müller", address: "juergen@example.com" });
  assert.equal(m.messageId, "a1@example.com");
  assert.equal(m.cleanText, "Hallo, die Rechnung fehlt.");
});

Deno.test("parseEmail reads an encoded display name containing a comma", async () => {
  const m = await parseEmail(
    mail([
      "From: =?iso-8859-1?Q?B=FCrling,=20Andreas?= <andreas@example.com>",
      "Subject: x",
    ], "Hello"),
    own,
  );
  assert.equal(m.from?.address, "andreas@example.com");
  assert.equal(m.from?.name, "Bürling, Andreas");
});

Deno.test("parseEmail decodes ISO-2022-JP, declared or not", async () => {
  const jis = [0x1b, 0x24, 0x42, 0x25, 0x46, 0x25, 0x39, 0x25, 0x48, 0x1b, 0x28, 0x42]; // テスト
  const declared = await parseEmail(
    bytes(
      "From: taro@example.com\r\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n",
      "Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n",
      jis,
      "\r\n",
    ),
    own,
  );
  assert.equal(declared.subject, "テスト");
  assert.equal(declared.cleanText, "テスト");
  const undeclared = await parseEmail(
    bytes("From: taro@example.com\r\nSubject: test\r\n\r\n", jis, "\r\n"),
    own,
  );
  assert.equal(undeclared.cleanText, "テスト");
});

Deno.test("parseEmail decodes windows-1252 quoted-printable (euro sign, smart quotes)", async () => {
  const m = await parseEmail(
    mail([
      "From: anna@example.com",
      "Subject: price",
      "Content-Type: text/plain; charset=windows-1252",
      "Content-Transfer-Encoding: quoted-printable",
    ], "The =93Pro=94 plan costs 20 =80 =96 why?"),
    own,
  );
  assert.equal(m.cleanText, "The “Pro” plan costs 20 € – why?");
});

Deno.test("parseEmail reads undeclared 8-bit Latin-1 headers and body as windows-1252", async () => {
  const m = await parseEmail(
    bytes(
      "From: J",
      [0xf6],
      "rg <joerg@example.com>\r\nSubject: Gr",
      [0xfc, 0xdf],
      "e\r\n\r\nDie Rechnung f",
      [0xfc],
      "r M",
      [0xe4],
      "rz fehlt.\r\n",
    ),
    own,
  );
  assert.equal(m.subject, "Grüße");
  assert.equal(m.from?.name, "Jörg");
  assert.equal(m.cleanText, "Die Rechnung für März fehlt.");
});

Deno.test("parseEmail keeps a declared charset's body when only the headers are 8-bit", async () => {
  const m = await parseEmail(
    bytes(
      "From: ivy@example.com\r\nSubject: Gr",
      [0xfc, 0xdf],
      "e\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nF",
      [0xc3, 0xbc],
      "r dich\r\n",
    ),
    own,
  );
  assert.equal(m.subject, "Grüße");
  assert.equal(m.cleanText, "Für dich");
});

Deno.test("parseEmail does not read a raw Shift_JIS subject as Latin-1", async () => {
  const m = await parseEmail(
    bytes(
      "From: jun@example.com\r\nSubject: ",
      [0x83, 0x63, 0x81, 0x5b, 0x83, 0x8b],
      "\r\n\r\nx\r\n",
    ),
    own,
  );
  assert.doesNotMatch(m.subject, /ƒ/);
});

Deno.test("parseEmail turns an HTML-only mail into text", async () => {
  const m = await parseEmail(
    mail(
      [
        "From: Bob <bob@example.com>",
        "Subject: html",
        "Content-Type: text/html; charset=utf-8",
      ],
      "<html><head><style>p{}</style></head><body><p>My <b>invoice</b> is wrong.</p><p>See <a href='https://example.com/i/1'>invoice 1</a></p></body></html>",
    ),
    own,
  );
  assert.equal(m.textSource, "html");
  assert.match(m.cleanText, /My invoice is wrong\./);
  assert.match(m.cleanText, /invoice 1 \[https:\/\/example\.com\/i\/1\]/);
  assert.doesNotMatch(m.cleanText, /p\{\}/);
});

Deno.test("parseEmail removes quoted history and the signature from the analysed text", async () => {
  const m = await parseEmail(
    mail(
      [
        "From: carol@example.com",
        "Subject: Re: [#T-42] Login",
        "In-Reply-To: <reply-2@support.example.com>",
        "References: <orig@example.com> <reply-1@support.example.com>",
      ],
      [
        "It still fails after the reset.",
        "",
        "-- ",
        "Carol, ACME Ltd",
        "",
        "On Tue, 1 Dec 2026 at 09:00, Support <help@support.example.com> wrote:",
        "> Please try resetting your password.",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(m.cleanText, "It still fails after the reset.");
  assert.match(m.text, /Please try resetting/);
  assert.deepEqual(m.references, [
    "reply-2@support.example.com",
    "reply-1@support.example.com",
    "orig@example.com",
  ]);
  const outlook = await parseEmail(
    mail(
      ["From: dan@example.com", "Subject: RE: x"],
      [
        "Thanks, that worked.",
        "",
        "From: Support <help@support.example.com>",
        "Sent: Tuesday, December 1, 2026 9:00 AM",
        "To: Dan <dan@example.com>",
        "Subject: x",
        "",
        "Old text",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(outlook.cleanText, "Thanks, that worked.");
});

Deno.test("parseEmail records attachments with name, type, size and SHA-256", async () => {
  const m = await parseEmail(
    mail(
      [
        "From: erin@example.com",
        "Subject: log",
        'Content-Type: multipart/mixed; boundary="b1"',
      ],
      [
        "--b1",
        "Content-Type: text/plain",
        "",
        "Log attached.",
        "--b1",
        'Content-Type: text/plain; name="app.log"',
        'Content-Disposition: attachment; filename="app.log"',
        "Content-Transfer-Encoding: base64",
        "",
        btoa("hello"),
        "--b1--",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(m.attachments.length, 1);
  assert.deepEqual(m.attachments[0], {
    name: "app.log",
    type: "text/plain",
    size: 5,
    sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    inline: false,
  });
});

Deno.test("parseEmail recognises auto-replies, bulk mail, loops and bounces", async () => {
  const kind = async (headers: string[], body = "x") =>
    (await parseEmail(mail(["From: x@example.com", "Subject: s", ...headers], body), own))
      .automated.kind;
  assert.equal(await kind(["Auto-Submitted: auto-replied"]), "auto_reply");
  assert.equal(await kind(["Auto-Submitted: no"]), null);
  assert.equal(await kind(["X-Autoreply: yes"]), "auto_reply");
  assert.equal(await kind(["X-Auto-Response-Suppress: All"]), "possible_auto_reply");
  assert.equal(await kind(["Precedence: bulk"]), "bulk");
  assert.equal(await kind(["Precedence: list"]), "bulk");
  assert.equal(await kind(["List-Id: <news.example.com>"]), "bulk");
  assert.equal(await kind(["Message-ID: <abc@support.example.com>"]), "loop");
  assert.equal(await kind(["X-Loop: help@support.example.com"]), "loop");
  assert.equal(
    (await parseEmail(mail(["From: x@example.com", "Subject: Out of Office: away"], "x"), own))
      .automated.kind,
    "possible_auto_reply",
  );
  const bounce = await parseEmail(
    mail(
      [
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>",
        "Subject: Undelivered Mail Returned to Sender",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      ],
      [
        "--r",
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        "--r",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "",
        "Final-Recipient: rfc822; Gone@Example.com",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
        "--r--",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(bounce.automated.kind, "bounce");
  assert.deepEqual(bounce.automated.bounce?.recipients, ["gone@example.com"]);
  assert.equal(bounce.automated.bounce?.permanent, true);
  assert.match(bounce.automated.bounce?.status ?? "", /5\.1\.1/);
});

Deno.test("a mail without a usable sender is unusable; a bounce without one is not", async () => {
  const noFrom = await parseEmail(mail(["Subject: hello"], "Who am I?"), own);
  assert.match(unusableReason(noFrom) ?? "", /no usable sender/);
  const replyTo = await parseEmail(
    mail([
      "From: Web Form <noreply@forms.example.com>",
      "Reply-To: Fay <fay@example.com>",
      "Subject: s",
    ], "Hi"),
    own,
  );
  assert.equal(unusableReason(replyTo), null);
  const message = emailToMessage(replyTo);
  assert.equal(message.email, "fay@example.com");
  assert.equal(message.name, "Fay");
  assert.equal(message.metadata.from, "noreply@forms.example.com");
});

Deno.test("parseEmail rejects input that is not a message", async () => {
  await assert.rejects(parseEmail(""), MailParseError);
});

Deno.test("an oversized mail is parsed from its first part and marked truncated", async () => {
  const line = "A".repeat(76);
  const big = "x".repeat(0) +
    Array.from({ length: Math.ceil((MAX_PARSE_BYTES + 1_000_000) / 78) }, () => line)
      .join("\r\n");
  const raw = mail(
    [
      "From: gil@example.com",
      "Subject: big",
      'Content-Type: multipart/mixed; boundary="b"',
    ],
    `--b\r\nContent-Type: text/plain\r\n\r\nSee the dump.\r\n--b\r\nContent-Type: application/octet-stream; name="dump.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${big}\r\n--b--\r\n`,
  );
  const m = await parseEmail(raw, own);
  assert.equal(m.cleanText, "See the dump.");
  assert.match(m.truncated ?? "", /only its first \d+ bytes were read for analysis/);
  assert.ok(m.rawBytes > MAX_PARSE_BYTES);
});

Deno.test("parseEmail notes a message it was given only the first part of", async () => {
  const head = mail(["From: ida@example.com", "Subject: partial"], "The beginning of a long mail.");
  const m = await parseEmail(head, own, {
    totalBytes: 30_000_000,
    notes: ['attachment "scan.tif" of 29000000 bytes recorded by size and SHA-256 only'],
  });
  assert.equal(m.cleanText, "The beginning of a long mail.");
  assert.equal(m.rawBytes, 30_000_000);
  assert.match(m.truncated ?? "", /message of 30000000 bytes: only its first \d+ bytes were read/);
  assert.match(m.truncated ?? "", /scan\.tif" of 29000000 bytes recorded by size and SHA-256 only/);
});

Deno.test("parseEmail cuts a subject longer than 998 characters and says so", async () => {
  const m = await parseEmail(
    mail(["From: hal@example.com", `Subject: ${"S".repeat(1_000_000)}`], "Long subject."),
    own,
  );
  assert.equal(m.subject.length, 998);
  assert.match(m.truncated ?? "", /subject longer than 998 characters/);
});

Deno.test("parseEmail takes the body and attachments out of a winmail.dat", async () => {
  const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
  const u32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
  const attr = (level: number, id: number, type: number, data: number[]) => [
    level,
    ...u16(id),
    ...u16(type),
    ...u32(data.length),
    ...data,
    ...u16(data.reduce((a, b) => (a + b) & 0xffff, 0)),
  ];
  const latin1 = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
  const tnef = Uint8Array.from([
    ...u32(0x223e9f78),
    ...u16(1),
    ...attr(1, 0x800c, 0x0001, latin1("The printer driver crashes on start.\0")),
    ...attr(2, 0x9002, 0x0006, new Array(14).fill(0)),
    ...attr(2, 0x8010, 0x0001, latin1("crash.log\0")),
    ...attr(2, 0x800f, 0x0006, latin1("boom")),
  ]);
  const b64 = btoa(String.fromCharCode(...tnef));
  const m = await parseEmail(
    mail(
      [
        "From: Outlook User <ol@example.com>",
        "Subject: driver",
        'Content-Type: multipart/mixed; boundary="t"',
      ],
      [
        "--t",
        'Content-Type: application/ms-tnef; name="winmail.dat"',
        'Content-Disposition: attachment; filename="winmail.dat"',
        "Content-Transfer-Encoding: base64",
        "",
        b64,
        "--t--",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(m.textSource, "tnef");
  assert.equal(m.cleanText, "The printer driver crashes on start.");
  assert.deepEqual(m.attachments.map((a) => [a.name, a.size, a.fromTnef]), [[
    "crash.log",
    4,
    true,
  ]]);
});

Deno.test("parseEmail keeps a bottom-posted answer below a German Thunderbird quote", async () => {
  const m = await parseEmail(
    mail(
      ["From: marc@example.com", "Subject: Re: Termin"],
      [
        "Am 07.05.2012 08:10, schrieb Martin Edenhofer via Support:",
        "> Passt Ihnen Freitag?",
        ">",
        ">   -Martin",
        "Hallo Martin,",
        "",
        "Freitag passt.",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(m.cleanText, "Hallo Martin,\n\nFreitag passt.");
  const top = await parseEmail(
    mail(
      ["From: marc@example.com", "Subject: Re: Termin"],
      [
        "Freitag passt.",
        "",
        "Am 07.05.2012 08:10, schrieb Martin Edenhofer via Support:",
        "> Passt Ihnen Freitag?",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(top.cleanText, "Freitag passt.");
});

Deno.test("parseEmail puts HTML table rows on lines and cuts a Lotus Notes header table", async () => {
  const html = "<p>Absage für morgen.</p><p>Mfg eike</p>" +
    "<div>Martin via Support --- Installation [Ticket#11392] ---</div>" +
    "<table><tr><td>Von:</td><td>Martin &lt;support@example.com&gt;</td></tr>" +
    "<tr><td>An</td><td>eike@example.com</td></tr><tr><td>Datum:</td><td>Mi., 13.06.2012</td></tr>" +
    "<tr><td>Betreff</td><td>Installation</td></tr></table><pre>Hi Eike, old text</pre>";
  const m = await parseEmail(
    mail(["From: eike@example.com", "Subject: AW: x", "Content-Type: text/html"], html),
    own,
  );
  assert.match(m.text, /^Von: Martin <support@example\.com>\nAn eike@example\.com$/m);
  assert.equal(m.cleanText, "Absage für morgen.\n\nMfg eike");
});

Deno.test("parseEmail keeps HTML that follows a closing </html>", async () => {
  const m = await parseEmail(
    mail(
      ["From: a@example.com", "Subject: x", "Content-Type: text/html"],
      "<html><body><p>first</p></body></html><div>second</div>",
    ),
    own,
  );
  assert.equal(m.text, "first\n\nsecond");
});

Deno.test("parseEmail takes the first usable of two From lines, never a fragment", async () => {
  const two = await parseEmail(
    mail(["From: [??????]", "From: Du <du@example.cn>", "Subject: x"], "hi"),
    own,
  );
  assert.equal(two.from?.address, "du@example.cn");
  const broken = await parseEmail(
    mail(['From: "past" <power quadrant system@example.com>', "Subject: x"], "hi"),
    own,
  );
  assert.equal(broken.from, null);
  assert.match(unusableReason(broken) ?? "", /no usable sender/);
});

Deno.test("parseEmail reads failed recipients of reports without a delivery-status part", async () => {
  // Office 365: multipart/report with only a text part naming the recipient.
  const o365 = await parseEmail(
    mail(
      [
        "From: <postmaster@example.com>",
        "To: <sender@example.org>",
        "Subject: Undeliverable: Hello",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      ],
      [
        "--r",
        "Content-Type: text/plain",
        "",
        "Delivery has failed to these recipients or groups:",
        "",
        "gone@example.com<mailto:gone@example.com>",
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'",
        "",
        "Original message headers:",
        "To: sender@example.org",
        "--r--",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(o365.automated.kind, "bounce");
  assert.deepEqual(o365.automated.bounce?.recipients, ["gone@example.com"]);
  assert.equal(o365.automated.bounce?.permanent, true);
  // No MIME boundaries at all: the DSN fields are read from the raw text.
  const flat = await parseEmail(
    mail(
      [
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        "To: <sender@example.org>",
        "Subject: Returned mail: Service unavailable",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="x/y"',
      ],
      [
        "   ----- The following addresses had permanent fatal errors -----",
        "<gone@example.net>",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "",
        "Final-Recipient: RFC822; <gone@example.net>",
        "Action: failed",
        "Status: 5.5.0",
      ].join("\n"),
    ),
    own,
  );
  assert.deepEqual(flat.automated.bounce?.recipients, ["gone@example.net"]);
  // A plain-text bounce: the bounce's own addressee (the original sender) is not a recipient.
  const exchange = await parseEmail(
    mail(
      [
        "From: System Administrator <postmaster@example.jp>",
        "To: sender@example.com",
        "Subject: Undeliverable: Hello",
      ],
      [
        "Your message",
        "",
        "  To:      sender@example.com",
        "  Subject: Hello",
        "",
        "did not reach the following recipient(s):",
        "",
        "gone@example.jp on Thu, 29 Apr 2010 00:00:00 -0000",
        "    The recipient name is not recognized",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(exchange.automated.kind, "bounce");
  assert.deepEqual(exchange.automated.bounce?.recipients, ["gone@example.jp"]);
});

Deno.test("a bounce's references include the Message-ID of the returned message", async () => {
  const m = await parseEmail(
    mail(
      [
        "From: MAILER-DAEMON@mx.example.net",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-ID: <bounce-1@mx.example.net>",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      ],
      [
        "--r",
        "Content-Type: text/plain",
        "",
        "Delivery failed.",
        "--r",
        "Content-Type: message/delivery-status",
        "",
        "Final-Recipient: rfc822; gone@example.com",
        "Action: failed",
        "Status: 5.1.1",
        "--r",
        "Content-Type: text/rfc822-headers",
        "",
        "From: help@support.example.com",
        "Message-ID: <answer-7@support.example.com>",
        "--r--",
      ].join("\n"),
    ),
    own,
  );
  assert.equal(m.automated.kind, "bounce");
  assert.deepEqual(m.references, ["answer-7@support.example.com"]);
});
