-- A ticket event is stored once with its JSON body and one delivery per active subscriber
-- of its type (ticket.created on insert, ticket.assigned on a new assignee, ticket.resolved);
-- inactive subscribers and other types get none; an unknown event type is refused.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.use_unique_functions_base_url();
insert into public.webhook_subscriptions (name, url, secret, event_types)
values ('pgTAP all', 'https://hooks.example.com/a', 'pgtap-secret-0123456789', '{ticket.created,ticket.assigned,ticket.resolved}')
returning id as all_id \gset
insert into public.webhook_subscriptions (name, url, secret, event_types)
values ('pgTAP created', 'https://hooks.example.com/b', 'pgtap-secret-0123456789', '{ticket.created}')
returning id as created_id \gset
insert into public.webhook_subscriptions (name, url, secret, event_types, active)
values ('pgTAP off', 'https://hooks.example.com/c', 'pgtap-secret-0123456789', '{ticket.created}', false);
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset

-- TEST: a new ticket makes one event and a delivery per active subscriber of ticket.created
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'team_id') as ticket_id \gset
select results_eq(
  format($$select e.event_type::text, (e.body::jsonb -> 'data' -> 'ticket' ->> 'id'), count(d.id)::int
           from public.webhook_events e join public.webhook_deliveries d on d.event_id = e.id
           where e.ticket_id = %L group by 1, 2$$, :'ticket_id'),
  format($$values ('ticket.created'::text, %L::text, 2)$$, :'ticket_id'), 'two deliveries of ticket.created');
select is((select count(*)::int from app_private.jobs where stage = 'webhooks' and ticket_id is null and status = 'queued'), 1,
  'the webhooks stage is queued');

-- TEST: assignment and resolution reach only their subscriber
update public.tickets set status = 'assigned', assigned_to = :'agent_id', assigned_at = now() where id = :'ticket_id';
update public.tickets set status = 'resolved', resolved_at = now() where id = :'ticket_id';
select results_eq(
  format($$select e.event_type::text, d.subscription_id from public.webhook_events e
           join public.webhook_deliveries d on d.event_id = e.id
           where e.ticket_id = %L and e.event_type <> 'ticket.created' order by e.created_at, e.event_type$$, :'ticket_id'),
  format($$values ('ticket.assigned'::text, %L::uuid), ('ticket.resolved'::text, %L::uuid)$$, :'all_id', :'all_id'),
  'ticket.assigned and ticket.resolved go to the subscriber that asked for them');
select is((select body::jsonb ->> 'type' from public.webhook_events where ticket_id = :'ticket_id' and event_type = 'ticket.resolved'),
  'ticket.resolved', 'the body names its type');

-- TEST: nobody subscribed, nothing stored; an unknown type is refused
select is(app_private.emit_webhook_event('answer.sent', :'ticket_id'), 0, 'an event without subscribers stores nothing');
select throws_ok(
  $$insert into public.webhook_subscriptions (name, url, secret, event_types)
    values ('bad', 'https://hooks.example.com/x', 'pgtap-secret-0123456789', '{ticket.exploded}')$$,
  '23503', 'unknown webhook event type(s): ticket.exploded', 'an unknown event type is refused');

select * from finish();
rollback;
