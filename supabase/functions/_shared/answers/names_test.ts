import assert from "node:assert/strict";
import { addressee, languageName, supportSignature } from "./names.ts";

Deno.test("addressee() is a person's first name, an organisation's whole name, or null", () => {
  assert.equal(addressee("Priya Nair"), "Priya");
  assert.equal(addressee("Lucía Fernández"), "Lucía");
  assert.equal(addressee("Northwind Traders IT"), "Northwind Traders IT");
  assert.equal(addressee("Orchard Finance Team"), "Orchard Finance Team");
  assert.equal(addressee(""), null);
  assert.equal(addressee(null), null);
  assert.equal(addressee("jane@example.com"), null);
});

Deno.test("supportSignature() names the support team once", () => {
  assert.equal(supportSignature("Example Support"), "Example Support");
  assert.equal(supportSignature("Acme"), "Acme Support");
  assert.equal(languageName("de"), "German");
  assert.equal(languageName("xx"), "xx");
});
