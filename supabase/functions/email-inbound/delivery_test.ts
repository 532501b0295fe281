import assert from "node:assert/strict";
import { KEEP_PARTS_BYTES, KEEP_RAW_BYTES, readDelivery } from "./delivery.ts";

/** A request whose body arrives in chunks of `size` bytes. */
function chunked(body: Uint8Array | string, type: string, size = 7): Request {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
  return new Request("http://local/", {
    method: "POST",
    headers: { "content-type": type },
    body: stream,
  });
}

Deno.test("readDelivery splits an urlencoded form as it streams, in any chunk size", async () => {
  const fields = { "body-plain": "a=b & c+d %", from: "Zoë <zoe@example.com>", empty: "" };
  const text = new URLSearchParams(fields).toString() + "&flag";
  for (const size of [1, 3, 1000]) {
    const delivery = await readDelivery(chunked(text, "application/x-www-form-urlencoded", size));
    assert.equal(delivery.body.kind, "form");
    if (delivery.body.kind !== "form") continue;
    const form = delivery.body.form;
    for (const [k, v] of Object.entries(fields)) assert.equal(form.get(k), v, `${k} in ${size}s`);
    assert.equal(form.has("flag"), true);
    assert.equal(delivery.totalBytes, text.length);
  }
});

Deno.test("readDelivery keeps the first bytes of a raw message and counts the rest", async () => {
  const big = new Uint8Array(KEEP_RAW_BYTES + 12345).fill(0x41);
  const delivery = await readDelivery(chunked(big, "message/rfc822", 65536));
  assert.equal(delivery.body.kind, "raw");
  if (delivery.body.kind !== "raw") return;
  assert.equal(delivery.body.bytes.length, KEEP_RAW_BYTES);
  assert.equal(delivery.head.length, KEEP_RAW_BYTES);
  assert.equal(delivery.totalBytes, big.length);
});

Deno.test("readDelivery keeps long JSON texts within the budget and says what it cut", async () => {
  const text = "t".repeat(KEEP_PARTS_BYTES + 100_000);
  const body = JSON.stringify({ From: "a@example.com", Subject: "s", TextBody: text });
  const delivery = await readDelivery(chunked(body, "application/json", 65536));
  assert.equal(delivery.body.kind, "json");
  if (delivery.body.kind !== "json") return;
  const value = delivery.body.value as Record<string, string>;
  assert.equal(value.From, "a@example.com");
  assert.ok(value.TextBody.length < text.length && value.TextBody.length > KEEP_PARTS_BYTES / 2);
  assert.match(delivery.cut[0], new RegExp(`^TextBody: \\d+ of ${text.length} bytes$`));
});

Deno.test("readDelivery refuses a body it cannot read with a 4xx", async () => {
  await assert.rejects(readDelivery(chunked("{", "application/json")), /not valid UTF-8 JSON/);
  await assert.rejects(readDelivery(chunked("<p>", "text/html")), /message\/rfc822/);
  await assert.rejects(
    readDelivery(chunked("--x\r\n", "multipart/form-data; boundary=x")),
    /closing boundary/,
  );
});
