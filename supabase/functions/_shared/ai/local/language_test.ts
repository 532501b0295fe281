import assert from "node:assert/strict";
import { eld } from "eld/extrasmall";
import { detectByStopwords, detectLanguage } from "./language.ts";
import { triageLocal } from "../local_provider.ts";

function assertLanguage(lang: string, texts: string[]): void {
  for (const text of texts) assert.equal(detectLanguage(text), lang, text);
}

Deno.test("detectLanguage() finds German in tickets full of English product words", () => {
  assertLanguage("de", [
    "Jira Cloud Login Problem\nSeit dem Update kann ich mich nicht mehr einloggen. Server Error 500.",
    "VPN Client Update\nNach dem Update vom Cisco AnyConnect Client bekommen wir einen Timeout.",
    "Kubernetes Cluster Update\nDas Deployment auf dem Staging Cluster schlägt fehl.",
    "Login Issue\nBeim Login kommt immer Access Denied, auch nach Password Reset.",
    "Printer offline\nDrucker im Office ist offline, Treiber Update hilft nicht.",
    "Outlook Calendar Sync\nKalender Sync mit dem iPhone geht seit iOS Update nicht mehr.",
  ]);
});

Deno.test("detectLanguage() reads German function words when eld prefers English", () => {
  const text = "API Rate Limit\nWir bekommen HTTP 429 Too Many Requests vom API Gateway.";
  assert.equal(eld.detect(text).language, "en");
  assert.equal(detectLanguage(text), "de");
});

Deno.test("detectLanguage() finds German in short subjects by word forms and umlauts", () => {
  assertLanguage("de", [
    "Rechnung fehlt",
    "Kündigung",
    "Störung",
    "Zugang gesperrt",
    "Konto gesperrt",
    "Lieferung verspätet",
    "Frage zur Rechnung",
    "Zahlung fehlgeschlagen",
  ]);
});

Deno.test("detectLanguage() keeps English with German names and a few foreign words", () => {
  assertLanguage("en", [
    "Order for Müller",
    "Refund for Jürgen",
    "Invoice for Herr Schmidt GmbH",
    "Meeting in Zürich",
    "Cheung account locked",
    "Young",
    "Kindergarten fees invoice",
    "Hello, my parcel from München hasn't arrived and the tracking page is blank.",
    "@airline why is my flight to Düsseldorf delayed again?? ugh",
    "My Jira Cloud login fails since the update.",
    "Integration failed",
    "Server down again, pls fix asap",
    "Toner as cheap as $2 a cartridge!",
    "ho ho ho merry xmas see ya tmrw",
    "u coming 2nite? lol",
  ]);
});

Deno.test("detectByStopwords() ignores German-looking English words", () => {
  assert.equal(detectByStopwords("The hamstrung generalist strung along"), "en");
  assert.equal(detectByStopwords("Die Sicherheitslücke wurde nicht behoben"), "de");
});

Deno.test("triageLocal() reads the German body under an English subject", () => {
  const r = triageLocal({
    subject: "Cloud Backup Server Update",
    body: "Hallo, seit dem Update läuft das Backup nicht mehr. Können Sie bitte helfen?",
    channel: "email",
    customerTier: "standard",
    history: [],
  });
  assert.equal(r.language, "de");
  assert.ok(r.signals.includes("language:de — needs a human"));
});
