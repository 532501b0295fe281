import assert from "node:assert/strict";
import { loadEnv } from "./env.ts";
import {
  signTicketLink,
  ticketLinkSecrets,
  ticketViewUrl,
  verifyTicketLink,
} from "./ticket_link.ts";

const ID = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";
const SECRET = "a-ticket-link-secret-of-some-length";
const NOW = 1_800_000_000;

function paramsOf(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

Deno.test("ticketViewUrl() signs a link that verifyTicketLink() opens until it expires", () => {
  const url = ticketViewUrl("https://support.example.com/", ID, {
    secret: SECRET,
    expiresAtS: NOW + 60,
  });
  assert.match(url, /^https:\/\/support\.example\.com\/functions\/v1\/ticket-view\?ticket=/);
  assert.deepEqual(verifyTicketLink([SECRET], paramsOf(url), NOW), {
    ok: true,
    ticketId: ID,
    expiresAtS: NOW + 60,
  });
  assert.deepEqual(verifyTicketLink([SECRET], paramsOf(url), NOW + 61), {
    ok: false,
    reason: "expired",
  });
});

Deno.test("verifyTicketLink() refuses a link whose ticket, expiry or signature was changed", () => {
  const params = paramsOf(ticketViewUrl("http://x", ID, { secret: SECRET, expiresAtS: NOW + 60 }));
  const other = new URLSearchParams(params);
  other.set("ticket", "00000000-0000-4000-8000-000000000001");
  assert.equal(
    (verifyTicketLink([SECRET], other, NOW) as { reason: string }).reason,
    "bad_signature",
  );
  const later = new URLSearchParams(params);
  later.set("expires", String(NOW + 3600));
  assert.equal(
    (verifyTicketLink([SECRET], later, NOW) as { reason: string }).reason,
    "bad_signature",
  );
  assert.equal(
    (verifyTicketLink(["another-secret-entirely!"], params, NOW) as { reason: string }).reason,
    "bad_signature",
  );
  const cut = new URLSearchParams(params);
  cut.set("sig", params.get("sig")!.slice(0, 10));
  assert.equal((verifyTicketLink([SECRET], cut, NOW) as { reason: string }).reason, "malformed");
});

Deno.test("verifyTicketLink() accepts any of several secrets (rotation) but not a link claiming years", () => {
  const url = ticketViewUrl("http://x", ID, {
    secret: "old-secret-0123456789",
    expiresAtS: NOW + 60,
  });
  assert.equal(
    verifyTicketLink(["new-secret-0123456789", "old-secret-0123456789"], paramsOf(url), NOW).ok,
    true,
  );
  const forever = new URLSearchParams({
    ticket: ID,
    expires: String(NOW + 10 * 366 * 86400),
    sig: signTicketLink(SECRET, ID, NOW + 10 * 366 * 86400),
  });
  assert.equal((verifyTicketLink([SECRET], forever, NOW) as { reason: string }).reason, "expired");
});

Deno.test("ticketLinkSecrets() prefers ISTS_TICKET_LINK_SECRETS, else derives one from the service-role key", () => {
  const base = { SUPABASE_DB_URL: "postgres://x" };
  assert.deepEqual(ticketLinkSecrets(loadEnv(base)), []);
  const derived = ticketLinkSecrets(loadEnv({ ...base, SUPABASE_SERVICE_ROLE_KEY: "service-key" }));
  assert.equal(derived.length, 1);
  assert.notEqual(derived[0], "service-key");
  assert.deepEqual(
    ticketLinkSecrets(loadEnv({
      ...base,
      SUPABASE_SERVICE_ROLE_KEY: "service-key",
      ISTS_TICKET_LINK_SECRETS: "first-secret-0123456, second-secret-012345",
    })),
    ["first-secret-0123456", "second-secret-012345"],
  );
  assert.throws(
    () => loadEnv({ ...base, ISTS_TICKET_LINK_SECRETS: "short" }),
    /ISTS_TICKET_LINK_SECRETS/,
  );
});
