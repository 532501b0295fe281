/** The HTML of the read-only ticket page: plain, accessible, no script, every value escaped. */
import type { TicketView } from "./handler.ts";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );
}

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem; color: #1d1d1f; }
  h1 { font-size: 1.4rem; margin: .5rem 0; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #eee; }
  th { width: 14rem; font-weight: 600; color: #444; } pre { white-space: pre-wrap; word-break: break-word; background: #f6f6f7; padding: .75rem; border-radius: 4px; }
  .badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; background: #eee; margin-right: .25rem; }
  .urgent, .escalated { background: #fde2e1; } .high { background: #fff0d6; } small { color: #666; }
  .message { border-left: 3px solid #ccc; padding-left: .75rem; margin: 1rem 0; } .inbound { border-color: #4a90d9; } .outbound { border-color: #5aa469; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function when(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? escapeHtml(value)
    : `<time datetime="${escapeHtml(value)}">${
      escapeHtml(date.toISOString().replace("T", " ").slice(0, 16))
    } UTC</time>`;
}

function rows(pairs: [string, string][]): string {
  return `<table>${
    pairs.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${v}</td></tr>`).join("")
  }</table>`;
}

function compact(value: unknown): string {
  return escapeHtml(JSON.stringify(value ?? null));
}

/** The page of one ticket; expiresAtS says until when the link opens it. */
export function renderTicketPage(view: TicketView, options: { expiresAtS: number }): string {
  const t = view.ticket;
  const badges = [
    `<span class="badge">${escapeHtml(t.status)}</span>`,
    `<span class="badge ${escapeHtml(t.priority)}">${escapeHtml(t.priority)}</span>`,
    t.is_escalated ? `<span class="badge escalated">escalated</span>` : "",
    t.is_auto_resolved ? `<span class="badge">auto-resolved</span>` : "",
    t.is_spam ? `<span class="badge">spam</span>` : "",
  ].join("");
  const facts = rows([
    [
      "Customer",
      `${escapeHtml(view.customer.name ?? "")} &lt;${escapeHtml(view.customer.email)}&gt; · ${
        escapeHtml(view.customer.tier)
      }`,
    ],
    ["Channel", escapeHtml(t.channel)],
    ["Team", escapeHtml(view.team ?? "not routed yet")],
    ["Assigned to", escapeHtml(view.agent ?? "nobody (queue)")],
    ["Category", escapeHtml(`${t.category ?? "—"} › ${t.sub_category ?? "—"}`)],
    ["Language", escapeHtml(t.language ?? "—")],
    ["Escalation", escapeHtml(t.escalation_reasons.join(", ") || "none")],
    ["Received", when(t.created_at)],
    ["First response", when(t.first_response_at)],
    ["Resolved", when(t.resolved_at)],
    [
      "SLA",
      view.sla
        ? `first response by ${when(view.sla.first_response_deadline)} (${
          escapeHtml(view.sla.first_response_status)
        }), resolution by ${when(view.sla.resolution_deadline)} (${
          escapeHtml(view.sla.resolution_status)
        })${view.sla.paused ? " · paused" : ""}`
        : "—",
    ],
  ]);
  const analysis = view.analysis
    ? rows(
      Object.entries(view.analysis)
        .filter(([k]) => k !== "reasoning")
        .map(([k, v]) => [k.replaceAll("_", " "), escapeHtml(v ?? "—")]),
    ) + (view.analysis.reasoning
      ? `<details><summary>Reasoning</summary><pre>${
        escapeHtml(JSON.stringify(view.analysis.reasoning, null, 2))
      }</pre></details>`
      : "")
    : "<p>Not analysed yet.</p>";
  const routing = view.routing ? routingSection(view.routing) : "<p>Not routed yet.</p>";
  const messages = view.messages.length === 0
    ? "<p>No messages yet.</p>"
    : view.messages.map((m) =>
      `<div class="message ${escapeHtml(m.direction)}"><small>${when(m.at)} · ${
        escapeHtml(m.direction)
      } · ${escapeHtml(m.channel)} · ${escapeHtml(m.sender_type ?? "")}${
        m.sender_email ? ` ${escapeHtml(m.sender_email)}` : ""
      }${
        m.ai ? ` · AI${m.review_status ? ` (${escapeHtml(m.review_status)})` : ""}` : ""
      }</small><pre>${escapeHtml(m.body)}</pre></div>`
    ).join("");
  const events =
    `<table><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">By</th><th scope="col">Details</th></tr></thead><tbody>${
      view.events.map((e) =>
        `<tr><td>${when(e.at)}</td><td>${escapeHtml(e.type)}</td><td>${
          escapeHtml(e.actor ?? e.actor_type)
        }</td><td><small>${compact(e.data)}</small></td></tr>`
      ).join("")
    }</tbody></table>`;
  return page(
    `${t.label} ${t.subject}`,
    `<header><small>ISTS ticket · read-only · this link works until ${
      when(new Date(options.expiresAtS * 1000).toISOString())
    }</small>
<h1>${escapeHtml(t.label)} ${escapeHtml(t.subject)}</h1><p>${badges}</p></header>
<main>
${facts}
<h2>Customer's message</h2><pre>${escapeHtml(t.body)}</pre>
<h2>AI analysis</h2>${analysis}
<h2>Routing decision</h2>${routing}
<h2>Messages</h2>${messages}
<h2>Timeline</h2>${events}
</main>`,
  );
}

function routingSection(routing: Record<string, unknown>): string {
  const candidates = Array.isArray(routing.candidates) ? routing.candidates : [];
  const list = candidates.length === 0 ? "none free" : candidates.map((c) => {
    const a = c as Record<string, unknown>;
    return `${escapeHtml(a.name)} (${escapeHtml(a.active)}/${escapeHtml(a.max)}, ${
      escapeHtml(a.skill_level)
    })`;
  }).join(", ");
  return rows([
    ["Outcome", escapeHtml(routing.outcome)],
    ["Team", escapeHtml(routing.team)],
    ["Rule", escapeHtml(routing.rule)],
    [
      "Escalation reasons",
      escapeHtml((routing.escalation_reasons as string[] | undefined)?.join(", ") || "none"),
    ],
    ["Seniors only", escapeHtml(routing.needs_senior ? "yes" : "no")],
    ["Candidates, in order", list],
    ["Unavailable or full", escapeHtml(routing.unavailable_or_full ?? "—")],
  ]);
}

/** A short page explaining why the link does not open a ticket. */
export function renderErrorPage(status: number, message: string): string {
  return page(
    `ISTS: ${status}`,
    `<main><h1>This ticket link does not open</h1><p>${
      escapeHtml(message)
    }.</p><p><small>HTTP ${status}</small></p></main>`,
  );
}
