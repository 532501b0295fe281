// The e-mail part of npm start: posts the .eml files of a folder, in name order, to
// /functions/v1/email-inbound and describes what intake did with each (ticket, reply,
// auto-reply, bounce, dead letter).

/** What intake did with one sample e-mail. */
export interface EmailOutcome {
  file: string;
  status: number;
  outcome: string;
  ticketId: string | null;
  ticketNumber: number | null;
  note: string;
}

const NOTES: Record<string, string> = {
  created: "new ticket",
  duplicate: "already received: the same ticket",
  reply: "threaded onto its ticket as a customer reply",
  reopened: "reopened its ticket",
  auto_reply: "auto-reply recorded on its ticket, not answered",
  suppressed: "recorded without a ticket (auto-reply, loop or bulk over the cap)",
  bounce: "bounce recorded (an address is marked undeliverable only for mail we sent)",
  dead_letter: "kept as a dead letter with its reason",
};

/** Posts every .eml file of dir (sorted by name), one after the other. */
export async function postSampleEmails(
  dir: string,
  functionsUrl: string,
  secret: string,
): Promise<EmailOutcome[]> {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".eml")) files.push(entry.name);
    }
  } catch {
    return [];
  }
  files.sort();
  const outcomes: EmailOutcome[] = [];
  for (const file of files) {
    const res = await fetch(`${functionsUrl}/functions/v1/email-inbound`, {
      method: "POST",
      headers: { "content-type": "message/rfc822", authorization: `Bearer ${secret}` },
      body: await Deno.readFile(`${dir}/${file}`),
    });
    const body = await res.json().catch(() => ({}));
    const outcome = res.ok ? String(body.outcome ?? "?") : "rejected";
    outcomes.push({
      file,
      status: res.status,
      outcome,
      ticketId: body.ticket_id ?? null,
      ticketNumber: body.ticket_number ?? null,
      note: res.ok
        ? outcome === "duplicate" && !body.ticket_id
          ? "already received: recorded before, without a ticket"
          : NOTES[outcome] ?? outcome
        : `${res.status} ${body.error ?? ""}`.trim() + (body.reason ? `: ${body.reason}` : ""),
    });
    if (outcome === "dead_letter" && body.reason) outcomes.at(-1)!.note += `: ${body.reason}`;
  }
  return outcomes;
}

/** One line per sample e-mail. */
export function describeEmail(o: EmailOutcome): string {
  const ticket = o.ticketNumber === null ? "—" : `#T-${o.ticketNumber}`;
  return `  ${o.file.padEnd(24)} ${o.outcome.padEnd(11)} ${ticket.padEnd(8)} ${o.note}`;
}
