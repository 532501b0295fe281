/** What the page needs to know: where its API is and which chart library to load. */
export interface PageOptions {
  /** Absolute URL of the dashboard function; the page calls `${apiBase}/api/…`. */
  apiBase: string;
  chart: { file: string; integrity: string };
}

function attr(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
}

/**
 * The dashboard page: plain HTML, CSS and a script, no build step. It can be saved and hosted
 * anywhere as it is: it calls the API named in data-api (or ?api=…) with CORS.
 */
export function dashboardPage(options: PageOptions): string {
  const api = attr(options.apiBase);
  return `<!doctype html>
<html lang="en" data-api="${api}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ISTS support dashboard</title>
<link rel="icon" href="data:,">
<style>
  :root { --ink: #1d2430; --muted: #5b6472; --line: #dde1e7; --bad: #b42318; --warn: #b54708; --ok: #067647; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7f9; }
  header { display: flex; gap: 1rem; align-items: baseline; padding: .8rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 1.1rem; margin: 0; }
  header .meta { color: var(--muted); margin-left: auto; }
  main { display: grid; gap: 1rem; padding: 1rem 1.2rem; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: .95rem; margin: 0 0 .6rem; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: .6rem; }
  .tile b { display: block; font-size: 1.4rem; }
  .tile span { color: var(--muted); }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
  td.subject { white-space: normal; }
  .overdue { color: var(--bad); font-weight: 600; }
  .soon { color: var(--warn); }
  canvas { max-height: 260px; }
  #login { max-width: 420px; margin: 4rem auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1.2rem; }
  #login input { width: 100%; padding: .5rem; margin: .4rem 0 .8rem; font: inherit; }
  #login button { padding: .45rem 1rem; font: inherit; }
  [role="alert"] { color: var(--bad); }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<form id="login" hidden>
  <h1>ISTS support dashboard</h1>
  <label for="token">Dashboard token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required>
  <button type="submit">Open</button>
  <p id="login-error" role="alert"></p>
</form>
<div id="app" hidden>
<header><h1>Support dashboard</h1><span id="range"></span><span class="meta" id="updated" aria-live="polite"></span></header>
<main>
  <section class="wide"><h2>Tickets over time</h2><canvas id="chart-tickets" aria-label="Tickets created and resolved per day"></canvas></section>
  <section><h2>By category</h2><canvas id="chart-category" aria-label="Tickets per category"></canvas></section>
  <section><h2>By priority</h2><canvas id="chart-priority" aria-label="Tickets per priority"></canvas></section>
  <section><h2>SLA compliance</h2><div class="tiles" id="sla-tiles"></div><canvas id="chart-sla" aria-label="SLA compliance per team"></canvas></section>
  <section><h2>AI</h2><div class="tiles" id="ai-tiles"></div></section>
  <section class="wide"><h2>At risk: nearest to breaching <small id="at-risk-updated"></small></h2>
    <table id="at-risk"><thead><tr><th>Ticket</th><th>Subject</th><th>Priority</th><th>Team</th><th>Agent</th><th>Deadline</th><th>Time left</th><th>Used</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Queue per team</h2>
    <table id="queues"><thead><tr><th>Team</th><th>Queued</th><th>Open</th><th>Oldest wait</th><th>Agents free</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Pipeline</h2>
    <table id="pipeline"><thead><tr><th>Stage</th><th>Queued</th><th>Due</th><th>Running</th><th>Dead</th><th>Oldest open</th></tr></thead><tbody></tbody></table></section>
</main>
<p id="error" role="alert"></p>
</div>
<script src="${api}/assets/${attr(options.chart.file)}" integrity="${
    attr(options.chart.integrity)
  }" crossorigin="anonymous"></script>
<script>
(() => {
  "use strict";
  const params = new URLSearchParams(location.search);
  const api = (params.get("api") || document.documentElement.dataset.api).replace(/\\/+$/, "");
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) { sessionStorage.setItem("ists-dashboard-token", fromHash); history.replaceState(null, "", location.pathname + location.search); }
  let token = sessionStorage.getItem("ists-dashboard-token");
  const $ = (id) => document.getElementById(id);
  const charts = {};
  const state = { ready: false, charts, refreshes: 0 };
  window.istsDashboard = state;
  const COLORS = ["#2e6fdb", "#12a37f", "#e3a21a", "#d3455b", "#7a5cd6", "#5b6472"];
  const PRIORITY_COLORS = { urgent: "#d3455b", high: "#e3a21a", medium: "#2e6fdb", low: "#12a37f" };

  function text(value) { return value === null || value === undefined ? "—" : String(value); }
  function cell(row, value, cls) { const td = row.insertCell(); td.textContent = text(value); if (cls) td.className = cls; return td; }
  function duration(minutes) {
    if (minutes === null || minutes === undefined) return "—";
    const m = Math.abs(Math.round(minutes));
    const s = m >= 1440 ? Math.floor(m / 1440) + " d " + Math.floor((m % 1440) / 60) + " h" : m >= 60 ? Math.floor(m / 60) + " h " + (m % 60) + " min" : m + " min";
    return minutes < 0 ? s + " overdue" : s;
  }
  function tiles(id, items) {
    const box = $(id); box.replaceChildren();
    for (const [label, value] of items) {
      const div = document.createElement("div"); div.className = "tile";
      const b = document.createElement("b"); b.textContent = text(value);
      const span = document.createElement("span"); span.textContent = label;
      div.append(b, span); box.append(div);
    }
  }
  function chart(id, config) {
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    if (charts[id]) { charts[id].data = config.data; charts[id].update(); return; }
    charts[id] = new Chart($(id), config);
  }
  async function get(path) {
    const res = await fetch(api + path, { headers: { authorization: "Bearer " + token } });
    if (res.status === 401) { sessionStorage.removeItem("ists-dashboard-token"); token = null; showLogin("The token was not accepted."); throw new Error("unauthorized"); }
    if (!res.ok) throw new Error(path + ": " + res.status + " " + (await res.text()).slice(0, 200));
    return res.json();
  }
  function showLogin(message) { $("app").hidden = true; $("login").hidden = false; $("login-error").textContent = message || ""; }

  async function loadSummary() {
    const s = await get("/api/summary?days=14");
    const days = s.tickets_by_day;
    $("range").textContent = "last " + s.days + " days · " + s.time_zone;
    chart("chart-tickets", { type: "line", data: { labels: days.map((d) => d.date.slice(5)), datasets: [
      { label: "Created", data: days.map((d) => d.created), borderColor: COLORS[0], backgroundColor: COLORS[0] },
      { label: "Resolved", data: days.map((d) => d.resolved), borderColor: COLORS[1], backgroundColor: COLORS[1] },
      { label: "Auto-resolved", data: days.map((d) => d.auto_resolved), borderColor: COLORS[2], backgroundColor: COLORS[2] },
    ] }, options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
    chart("chart-category", { type: "doughnut", data: { labels: s.by_category.map((c) => c.category), datasets: [
      { data: s.by_category.map((c) => c.tickets), backgroundColor: COLORS } ] } });
    chart("chart-priority", { type: "bar", data: { labels: s.by_priority.map((p) => p.priority), datasets: [
      { label: "Tickets", data: s.by_priority.map((p) => p.tickets), backgroundColor: s.by_priority.map((p) => PRIORITY_COLORS[p.priority] || COLORS[5]) } ] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
    tiles("sla-tiles", [["compliance", s.sla.compliance === null ? null : s.sla.compliance + " %"], ["targets met", s.sla.met], ["targets missed", s.sla.breached]]);
    chart("chart-sla", { type: "bar", data: { labels: s.sla_by_team.map((t) => t.team), datasets: [
      { label: "Compliance %", data: s.sla_by_team.map((t) => t.compliance), backgroundColor: COLORS[1] } ] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { min: 0, max: 100 } } } });
    tiles("ai-tiles", [["analyses", s.ai.analyses], ["classification accuracy", s.ai.classification_accuracy === null ? null : s.ai.classification_accuracy + " %"],
      ["answers written", s.ai.answers_generated], ["answers sent", s.ai.answers_sent], ["AI cost", "$" + Number(s.ai.total_cost).toFixed(2)]]);
    const queues = $("queues").tBodies[0]; queues.replaceChildren();
    for (const q of s.queue_by_team) { const r = queues.insertRow(); cell(r, q.team); cell(r, q.queued); cell(r, q.open); cell(r, duration(q.oldest_wait_minutes)); cell(r, q.available_agents); }
    const pipeline = $("pipeline").tBodies[0]; pipeline.replaceChildren();
    for (const p of s.pipeline) { const r = pipeline.insertRow(); cell(r, p.stage); cell(r, p.queued); cell(r, p.due); cell(r, p.running); cell(r, p.dead, p.dead > 0 ? "overdue" : ""); cell(r, p.oldest_open_seconds === null ? null : duration(p.oldest_open_seconds / 60)); }
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  }
  async function loadAtRisk() {
    const rows = await get("/api/at-risk?limit=20");
    const body = $("at-risk").tBodies[0]; body.replaceChildren();
    if (rows.length === 0) { const r = body.insertRow(); const td = cell(r, "No running SLA clocks"); td.colSpan = 8; }
    for (const t of rows) {
      const r = body.insertRow();
      cell(r, "#T-" + t.ticket_number); cell(r, t.subject, "subject"); cell(r, t.priority); cell(r, t.team); cell(r, t.agent);
      cell(r, t.deadline_kind.replace("_", " ") + " " + new Date(t.deadline).toLocaleString());
      cell(r, duration(t.minutes_left), t.minutes_left < 0 ? "overdue" : t.minutes_left < 60 ? "soon" : "");
      cell(r, t.percent_used === null ? null : t.percent_used + " %");
    }
    $("at-risk-updated").textContent = "· refreshed " + new Date().toLocaleTimeString();
  }
  async function refresh(all) {
    try {
      await Promise.all([all ? loadSummary() : null, loadAtRisk()]);
      $("error").textContent = ""; state.refreshes++; state.ready = true;
    } catch (e) { if (e.message !== "unauthorized") $("error").textContent = "Could not load: " + e.message; }
  }
  function start() {
    $("login").hidden = true; $("app").hidden = false;
    let ticks = 0;
    refresh(true);
    setInterval(() => { ticks++; refresh(ticks % 2 === 0); }, 30000);
  }
  $("login").addEventListener("submit", (e) => {
    e.preventDefault(); token = $("token").value.trim();
    sessionStorage.setItem("ists-dashboard-token", token); start();
  });
  if (typeof Chart === "undefined") { document.body.textContent = "The chart library did not load."; return; }
  if (token) start(); else showLogin();
})();
</script>
</body>
</html>
`;
}
