-- Follow-ups: every delivered answer on an open ticket schedules a check-in after
-- follow_up_check_in_hours (24 by default). If the customer has not replied by then, a polite
-- check-in goes out through the same send path; once it was delivered and another
-- follow_up_close_hours pass without a reply, the ticket is closed with a closing message.
-- A customer reply cancels both; a newer answer starts the schedule again. The sweep runs
-- from pg_cron every 5 minutes (UTC) and takes the SLA clock's now (frozen in tests).

insert into app_private.settings (key, value, description) values
  ('follow_up_enabled', 'true', 'false: no check-ins and no auto-close after answers'),
  ('follow_up_check_in_hours', '24', 'Hours after a delivered answer without a customer reply before the check-in is sent'),
  ('follow_up_close_hours', '48', 'Hours after the delivered check-in without a reply before the ticket is closed with a closing message'),
  ('follow_up_check_in_body', $t$Hi {{first_name}},

I wanted to check in on your request {{ticket_number}}. Did our last answer solve the problem? If anything is still not working, just reply to this message and we will pick it up right away.

Best regards,
The {{organisation_name}} team$t$, 'The check-in message ({{first_name}}, {{ticket_number}}, {{organisation_name}} are filled in)'),
  ('follow_up_closing_body', $t$Hi {{first_name}},

We have not heard back from you, so we are closing {{ticket_number}} for now. If you still need help, simply reply to this message and the ticket will be reopened.

Thank you,
The {{organisation_name}} team$t$, 'The closing message of an auto-closed ticket ({{first_name}}, {{ticket_number}}, {{organisation_name}})')
on conflict (key) do nothing;

alter table public.responses
  add column follow_up_kind varchar(20) check (follow_up_kind in ('check_in', 'closing'));
comment on column public.responses.follow_up_kind is 'A follow-up the system sent: check_in (no reply after an answer) or closing (the ticket was auto-closed).';

create table public.ticket_follow_ups (
  ticket_id uuid primary key references public.tickets (id) on delete cascade,
  answer_response_id uuid references public.responses (id) on delete set null,
  status varchar(20) not null check (status in ('scheduled', 'checking_in', 'checked_in', 'closed', 'cancelled')),
  check_in_at timestamptz not null,
  check_in_response_id uuid references public.responses (id) on delete set null,
  close_at timestamptz,
  closing_response_id uuid references public.responses (id) on delete set null,
  cancelled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.ticket_follow_ups is 'The follow-up of a ticket''s last delivered answer: scheduled (check-in due at check_in_at), checking_in (check-in queued), checked_in (close_at set), closed or cancelled (why in cancelled_reason).';
create index ticket_follow_ups_check_in_idx on public.ticket_follow_ups (check_in_at) where status = 'scheduled';
create index ticket_follow_ups_close_idx on public.ticket_follow_ups (close_at) where status = 'checked_in';
alter table public.ticket_follow_ups enable row level security;
revoke all on public.ticket_follow_ups from anon, authenticated;
grant all on public.ticket_follow_ups to service_role;
grant select on public.ticket_follow_ups to authenticated;
create policy ticket_follow_ups_select_of_visible_tickets on public.ticket_follow_ups
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));

-- A number of hours from a setting, else the default.
create function app_private.setting_hours(p_key text, p_default numeric)
returns interval
language sql
stable
set search_path = ''
as $$
  select make_interval(secs => 3600 * coalesce(
    case when s.value ~ '^\s*[0-9]+(\.[0-9]+)?\s*$' then btrim(s.value)::numeric end, p_default))
  from (select app_private.get_setting(p_key) as value) s
$$;

-- After each delivery: an answer on an open ticket (re)starts the schedule; a delivered
-- check-in starts the closing period.
create function app_private.ticket_events_schedule_follow_up()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_response public.responses;
  v_ticket public.tickets;
begin
  if coalesce(app_private.get_setting('follow_up_enabled'), 'true') <> 'true' then
    return null;
  end if;
  select * into v_response from public.responses r where r.id = (new.event_data ->> 'response_id')::uuid;
  select * into v_ticket from public.tickets t where t.id = new.ticket_id;
  if v_response.id is null or v_ticket.status in ('resolved', 'closed') then
    return null;
  end if;
  if v_response.follow_up_kind is null then
    insert into public.ticket_follow_ups (ticket_id, answer_response_id, status, check_in_at)
    values (new.ticket_id, v_response.id, 'scheduled',
            v_response.sent_at + app_private.setting_hours('follow_up_check_in_hours', 24))
    on conflict (ticket_id) do update
    set answer_response_id = excluded.answer_response_id, status = 'scheduled', check_in_at = excluded.check_in_at,
        check_in_response_id = null, close_at = null, closing_response_id = null, cancelled_reason = null,
        updated_at = now();
  elsif v_response.follow_up_kind = 'check_in' then
    update public.ticket_follow_ups f
    set status = 'checked_in', updated_at = now(),
        close_at = v_response.sent_at + app_private.setting_hours('follow_up_close_hours', 48)
    where f.ticket_id = new.ticket_id and f.status = 'checking_in' and f.check_in_response_id = v_response.id;
  end if;
  return null;
end;
$$;
create trigger ticket_events_schedule_follow_up after insert on public.ticket_events
  for each row when (new.event_type = 'response_sent' and new.ticket_id is not null)
  execute function app_private.ticket_events_schedule_follow_up();

-- A reply from the customer (not an auto-reply, not a colleague in CC) cancels the follow-up.
create function app_private.responses_cancel_follow_up()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.ticket_follow_ups f
  set status = 'cancelled', cancelled_reason = 'customer_replied', updated_at = now()
  where f.ticket_id = new.ticket_id and f.status in ('scheduled', 'checking_in', 'checked_in');
  return null;
end;
$$;
create trigger responses_cancel_follow_up after insert on public.responses
  for each row when (new.direction = 'inbound' and new.sender_type = 'customer' and not new.is_automated
                     and not new.is_third_party)
  execute function app_private.responses_cancel_follow_up();

-- One follow-up pass at p_now (default: the SLA clock's now): queues the check-ins that are
-- due and closes the tickets whose closing period ended, each with its message through the
-- send stage. A follow-up whose ticket was resolved, closed or answered by the customer
-- meanwhile is cancelled instead. Returns the counts; skips while another pass runs.
create function app_private.run_follow_ups(p_now timestamptz default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := coalesce(p_now, app_private.sla_now());
  v_follow_up public.ticket_follow_ups;
  v_ticket public.tickets;
  v_response_id uuid;
  v_since timestamptz;
  v_check_ins integer := 0;
  v_closed integer := 0;
  v_cancelled integer := 0;
  v_locked boolean := false;
begin
  if not pg_try_advisory_xact_lock(hashtextextended('ists-follow-ups', 0)) then
    return jsonb_build_object('skipped', 'another follow-up pass is running');
  end if;
  if coalesce(app_private.get_setting('follow_up_enabled'), 'true') <> 'true' then
    return jsonb_build_object('check_ins', 0, 'closed', 0, 'cancelled', 0, 'disabled', true);
  end if;

  for v_follow_up in
    select f.* from public.ticket_follow_ups f
    where (f.status = 'scheduled' and f.check_in_at <= v_now) or (f.status = 'checked_in' and f.close_at <= v_now)
    order by coalesce(f.close_at, f.check_in_at)
    for update skip locked
  loop
    if v_follow_up.status = 'checked_in' and not v_locked then
      -- LOCK ORDER: the assignment lock before any ticket row (closing frees the agent's slot).
      perform app_private.lock_team_assignment(null);
      v_locked := true;
    end if;
    select * into v_ticket from public.tickets t where t.id = v_follow_up.ticket_id for update;
    select r.sent_at into v_since from public.responses r where r.id = v_follow_up.answer_response_id;
    if v_ticket.status in ('resolved', 'closed')
       or exists (select 1 from public.responses r
                  where r.ticket_id = v_ticket.id and r.direction = 'inbound' and r.sender_type = 'customer'
                    and not r.is_automated and not r.is_third_party and r.created_at > coalesce(v_since, v_follow_up.created_at)) then
      update public.ticket_follow_ups f
      set status = 'cancelled', updated_at = now(),
          cancelled_reason = case when v_ticket.status in ('resolved', 'closed') then 'ticket_' || v_ticket.status
                                  else 'customer_replied' end
      where f.ticket_id = v_follow_up.ticket_id;
      v_cancelled := v_cancelled + 1;
      continue;
    end if;

    insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft,
                                  review_status, model_name, language, follow_up_kind, created_at)
    values (v_ticket.id, 'outbound', v_ticket.channel,
            app_private.fill_template(app_private.get_setting(case when v_follow_up.status = 'scheduled'
                                      then 'follow_up_check_in_body' else 'follow_up_closing_body' end), v_ticket),
            'ai', true, false, 'auto_sent', 'follow-up-template', 'en',
            case when v_follow_up.status = 'scheduled' then 'check_in' else 'closing' end, v_now)
    returning id into v_response_id;

    if v_follow_up.status = 'scheduled' then
      update public.ticket_follow_ups f
      set status = 'checking_in', check_in_response_id = v_response_id, updated_at = now()
      where f.ticket_id = v_ticket.id;
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_ticket.id, 'follow_up_check_in',
              jsonb_build_object('response_id', v_response_id, 'answer_response_id', v_follow_up.answer_response_id,
                                 'due_at', v_follow_up.check_in_at), 'system');
      v_check_ins := v_check_ins + 1;
    else
      update public.tickets t set status = 'closed', resolved_at = coalesce(t.resolved_at, v_now)
      where t.id = v_ticket.id;
      update public.ticket_follow_ups f
      set status = 'closed', closing_response_id = v_response_id, updated_at = now()
      where f.ticket_id = v_ticket.id;
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_ticket.id, 'auto_closed',
              jsonb_build_object('reason', 'no_reply_after_check_in', 'response_id', v_response_id,
                                 'check_in_response_id', v_follow_up.check_in_response_id,
                                 'previous_status', v_ticket.status), 'system');
      v_closed := v_closed + 1;
    end if;
  end loop;
  return jsonb_build_object('check_ins', v_check_ins, 'closed', v_closed, 'cancelled', v_cancelled);
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.setting_hours(text, numeric), app_private.run_follow_ups(timestamptz)
  to service_role;

select cron.schedule('ists-follow-ups', '*/5 * * * *', 'select app_private.run_follow_ups()');
