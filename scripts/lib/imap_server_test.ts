import assert from "node:assert/strict";
import { dovecotConfig, IMAP_TEST_MAILBOX } from "./imap_server.ts";

Deno.test("dovecotConfig() listens on loopback only, rootless, with its own folders", () => {
  const conf = dovecotConfig("/tmp/ists-imap", 54331, { user: "dovecot", group: "dovecot" });
  assert.match(conf, /^listen = 127\.0\.0\.1$/m);
  assert.match(conf, /inet_listener imap \{\n\s+address = 127\.0\.0\.1\n\s+port = 54331\n/);
  assert.match(conf, /inet_listener imaps \{\n\s+port = 0\n/);
  assert.match(conf, /^default_internal_user = dovecot$/m);
  assert.match(conf, /^base_dir = \/tmp\/ists-imap\/run$/m);
  assert.match(conf, /^mail_location = maildir:\/tmp\/ists-imap\/mail\/%u$/m);
  assert.match(conf, new RegExp(`mailbox ${IMAP_TEST_MAILBOX} \\{\\n\\s+auto = create`));
  assert.doesNotMatch(conf, /\/etc\/dovecot/);
});
