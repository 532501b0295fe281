// One 35 MB delivery through the email-inbound handler (a store that only records), read as it
// streams: prints the time and this process's peak memory. Run alone (npm run bench starts it
// as a child process) so the peak is the handler's. Usage: bench_inbound_memory.ts json|raw
import { createEmailInboundHandler } from "../../supabase/functions/email-inbound/handler.ts";

const SIZE = 35 * 1024 * 1024;
const kind = Deno.args[0] === "raw" ? "raw" : "json";
const encoder = new TextEncoder();
const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3";
const block = encoder.encode(line.repeat(8192));

/** The delivery, generated as it is sent: this process never holds it whole. */
function body(): ReadableStream<Uint8Array> {
  const head = kind === "json"
    ? encoder.encode(
      JSON.stringify({
        From: "Big Sender <big@example.com>",
        Subject: "Nightly dump",
        TextBody: "The nightly dump is attached.",
      }).slice(0, -1) +
        ',"Attachments":[{"Name":"dump.bin","ContentType":"application/octet-stream","Content":"',
    )
    : encoder.encode(
      "From: big@example.com\r\nSubject: Nightly dump\r\nMIME-Version: 1.0\r\n" +
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n' +
        "The nightly dump is attached.\r\n--b\r\nContent-Type: application/octet-stream\r\n" +
        "Content-Transfer-Encoding: base64\r\n\r\n",
    );
  const tail = encoder.encode(kind === "json" ? '"}]}' : "\r\n--b--\r\n");
  let sent = 0;
  let state = 0;
  return new ReadableStream({
    pull(controller) {
      if (state === 0) {
        controller.enqueue(head);
        state = 1;
      } else if (sent < SIZE) {
        controller.enqueue(block);
        sent += block.length;
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
}

function peakRssMb(): number {
  const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
  return Number(kb) / 1024;
}

const handle = createEmailInboundHandler({
  store: {
    intake: () =>
      Promise.resolve({ ticketId: "t", ticketNumber: 1, outcome: "created", duplicate: false }),
    deadLetter: () => Promise.resolve(1),
  },
  secrets: ["bench"],
  own: { domains: [], addresses: [] },
  log: () => {},
});
const before = Deno.memoryUsage().rss / 1024 / 1024;
const t0 = performance.now();
const res = await handle(
  new Request("http://local/functions/v1/email-inbound", {
    method: "POST",
    headers: {
      authorization: "Bearer bench",
      "content-type": kind === "json" ? "application/json" : "message/rfc822",
    },
    body: body(),
  }),
);
const ms = performance.now() - t0;
const answer = await res.json();
if (res.status !== 201 || !answer.truncated) {
  throw new Error(`the 35 MB ${kind} mail was not taken in truncated: ${JSON.stringify(answer)}`);
}
console.log(`email_inbound_35mb_${kind}_ms: ${ms.toFixed(0)}`);
console.log(`email_inbound_35mb_${kind}_rss_before_mb: ${before.toFixed(0)}`);
console.log(`email_inbound_35mb_${kind}_rss_peak_mb: ${peakRssMb().toFixed(0)}`);
