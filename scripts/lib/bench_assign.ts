// The assignment benchmark of npm run bench: TICKETS analysed tickets routed by WORKERS
// concurrent database sessions to a team of AGENTS agents (route_ticket: rules, team, least
// loaded agent within capacity), then checked: no agent over capacity, no ticket assigned
// twice, and how evenly the load spread. Everything it creates is removed afterwards.
import postgres from "postgres";

/** What the benchmark measured. */
export interface AssignBenchResult {
  tickets: number;
  workers: number;
  agents: number;
  assignPerS: number;
  overCapacity: number;
  doubleAssigned: number;
  queued: number;
  loadMin: number;
  loadMax: number;
  loadStddev: number;
}

/** Runs the benchmark against the database at dbUrl. */
export async function benchAssignment(
  dbUrl: string,
  {
    tickets = 10_000,
    workers = 2,
    agents = 50,
    batch = 50,
    capacity = Math.ceil(tickets / agents),
  } = {},
): Promise<AssignBenchResult> {
  const run = crypto.randomUUID().slice(0, 8);
  const admin = postgres(dbUrl, { max: 1, onnotice: () => {} });
  // By default capacity for every ticket, so the spread shows the least-loaded rule at work.
  const [team] = await admin<{ id: string }[]>`
    insert into public.teams (name, handles_categories) values (${"Bench team " + run}, '{}')
    returning id`;
  // Language "zz" is matched by this rule only, so the bench tickets stay in the bench team.
  await admin`
    insert into public.routing_rules (name, language, team_id, rule_priority)
    values (${"Bench " + run}, 'zz', ${team.id}, -2147483648)`;
  await admin`
    insert into public.agents (email, name, team_id, skill_level, max_concurrent_tickets)
    select 'bench-agent-' || ${run} || '-' || g || '@example.com', 'Bench Agent ' || g, ${team.id},
           case when g % 5 = 0 then 'senior' else 'mid' end, ${capacity}
    from generate_series(1, ${agents}) g`;
  // One customer per ticket, so no repeat-contact escalation narrows the choice to seniors.
  await admin`
    insert into public.customers (email, name)
    select 'bench-assign-' || ${run} || '-' || g || '@example.com', 'Bench'
    from generate_series(1, ${tickets}) g`;
  // Analysed tickets, as triage leaves them; inserted as 'analyzed' so no triage job is queued.
  await admin`
    with t as (
      insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body,
                                  category, sub_category, priority, language, status, sentiment_intensity,
                                  ai_confidence, created_at)
      select encode(sha256(convert_to(${run} || g, 'UTF8')), 'hex'), 'api', c.id, c.email,
             'Bench ' || g, 'Bench ticket ' || g, 'general', 'other',
             (array['low', 'medium', 'high'])[1 + g % 3], 'zz', 'analyzed', 3, 0.5,
             now() - interval '30 days' + g * interval '1 millisecond'
      from generate_series(1, ${tickets}) g
      join public.customers c on c.email = 'bench-assign-' || ${run} || '-' || g || '@example.com'
      returning id, category, sub_category, priority
    )
    insert into public.ai_analysis (ticket_id, category, sub_category, confidence, sentiment_emotion,
                                    sentiment_intensity, priority_recommendation, urgency_score, language, model_name)
    select id, category, sub_category, 0.5, 'neutral', 3, priority, 3, 'zz', 'bench' from t`;
  const ids = (await admin<{ id: string }[]>`
    select t.id from public.tickets t
    where t.idempotency_key in (select encode(sha256(convert_to(${run} || g, 'UTF8')), 'hex')
                                from generate_series(1, ${tickets}) g)
    order by t.created_at`).map((r) => r.id);

  // WORKERS sessions route the tickets in batches, each batch one transaction, both at once.
  let next = 0;
  const started = performance.now();
  const pools = Array.from(
    { length: workers },
    () => postgres(dbUrl, { max: 1, onnotice: () => {} }),
  );
  await Promise.all(pools.map(async (worker) => {
    while (next < ids.length) {
      const slice = ids.slice(next, next + batch);
      next += batch;
      await worker.begin(async (tx) => {
        for (const id of slice) await tx`select app_private.route_ticket(${id})`;
      });
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(pools.map((p) => p.end()));

  const [check] = await admin<
    {
      over_capacity: number;
      double_assigned: number;
      queued: number;
      load_min: number;
      load_max: number;
      load_stddev: number;
    }[]
  >`
    with load as (
      select a.id, a.max_concurrent_tickets,
             count(t.id) filter (where t.status in ('assigned', 'in_progress')) as active
      from public.agents a
      left join public.tickets t on t.assigned_to = a.id
      where a.team_id = ${team.id}
      group by a.id
    ), assignments as (
      select e.ticket_id, count(*) as n
      from public.ticket_events e join public.tickets t on t.id = e.ticket_id
      where t.id = any(${ids}) and e.event_type = 'assigned'
      group by e.ticket_id
    )
    select (select count(*) from load where active > max_concurrent_tickets)::int as over_capacity,
           (select count(*) from assignments where n > 1)::int as double_assigned,
           (select count(*) from public.tickets where id = any(${ids}) and status = 'queued')::int as queued,
           (select min(active) from load)::int as load_min,
           (select max(active) from load)::int as load_max,
           (select coalesce(stddev_pop(active), 0) from load)::float8 as load_stddev`;

  // Clean up: notify jobs and notifications of these tickets, then the rows themselves.
  await admin`delete from app_private.jobs where ticket_id = any(${ids})`;
  await admin`delete from public.notifications where ticket_id = any(${ids})`;
  await admin`delete from public.tickets where id = any(${ids})`;
  await admin`delete from public.customers where email like ${"bench-assign-" + run + "-%"}`;
  await admin`delete from public.routing_rules where team_id = ${team.id}`;
  await admin`delete from public.agents where team_id = ${team.id}`;
  await admin`delete from public.teams where id = ${team.id}`;
  await admin.end();

  return {
    tickets,
    workers,
    agents,
    assignPerS: tickets / seconds,
    overCapacity: check.over_capacity,
    doubleAssigned: check.double_assigned,
    queued: check.queued,
    loadMin: check.load_min,
    loadMax: check.load_max,
    loadStddev: check.load_stddev,
  };
}

if (import.meta.main) {
  const url = Deno.args[0] ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  console.log(await benchAssignment(url));
}
