-- AI drafts go to Slack for review. A draft (responses.review_status 'pending') writes an
-- 'answer_draft' notification, which the notify stage posts exactly once in the thread of the
-- ticket's "New Ticket" message (or, without one, in the team channel) with Approve & send,
-- Edit and Reject. Whatever path decides a draft (the Slack console, Studio), the decision is
-- normalised here: an approval whose text changed is an edit, the original draft is kept
-- (draft_body), the edit distance is counted in characters, the decision is logged as a
-- ticket event, and the posted draft message is updated to show who did what.

insert into public.notification_kinds (kind, description) values
  ('answer_draft', 'an AI draft waiting for review, posted in the thread of the ticket''s message'),
  ('answer_draft_updated', 'a posted AI draft message updated with its decision (chat.update)'),
  ('slack_receipt', 'a reaction on, or an ephemeral answer to, an agent''s Slack message');

alter table public.responses add column draft_body text;
comment on column public.responses.draft_body is
  'The AI''s original draft when an agent edited it before sending (body is then the text sent).';

-- Slack threads are found by the posted message's ts (agents' replies in a ticket's thread).
create index notifications_slack_posted_idx on public.notifications (external_id)
  where channel = 'slack' and status = 'sent' and external_id is not null;

-- Levenshtein distance between two texts in characters (code points): the common prefix and
-- suffix are cut, then Myers' bit-vector algorithm (62-bit blocks) runs over the rest.
create function app_private.edit_distance(p_a text, p_b text)
returns integer
language plpgsql
immutable
strict
parallel safe
set search_path = ''
as $$
declare
  c_width constant integer := 62;
  c_full constant bigint := (1::bigint << 62) - 1;
  v_a text[];
  v_b text[];
  v_swap text[];
  v_la integer;
  v_lb integer;
  v_prefix integer := 0;
  v_m integer;
  v_n integer;
  v_blocks integer;
  v_high_last bigint;
  v_mask_last bigint;
  v_peq bigint[];
  v_pv bigint[];
  v_mv bigint[];
  v_ids integer[];
  v_chars integer;
  v_score integer;
  v_hin integer;
  v_hout integer;
  v_eq bigint;
  v_xv bigint;
  v_xh bigint;
  v_ph bigint;
  v_mh bigint;
  v_p bigint;
  v_mvk bigint;
  v_mask bigint;
  v_high bigint;
begin
  if p_a = p_b then
    return 0;
  end if;
  v_a := regexp_split_to_array(p_a, '');
  v_b := regexp_split_to_array(p_b, '');
  v_la := case when p_a = '' then 0 else cardinality(v_a) end;
  v_lb := case when p_b = '' then 0 else cardinality(v_b) end;
  if v_la = 0 or v_lb = 0 then
    return greatest(v_la, v_lb);
  end if;
  while v_prefix < v_la and v_prefix < v_lb and v_a[v_prefix + 1] = v_b[v_prefix + 1] loop
    v_prefix := v_prefix + 1;
  end loop;
  while v_la > v_prefix and v_lb > v_prefix and v_a[v_la] = v_b[v_lb] loop
    v_la := v_la - 1;
    v_lb := v_lb - 1;
  end loop;
  if v_la = v_prefix or v_lb = v_prefix then
    return greatest(v_la, v_lb) - v_prefix;
  end if;
  -- The pattern (bit vectors) is the shorter middle part, the text the longer one.
  if v_la <= v_lb then
    v_a := v_a[v_prefix + 1 : v_la];
    v_b := v_b[v_prefix + 1 : v_lb];
  else
    v_swap := v_a[v_prefix + 1 : v_la];
    v_a := v_b[v_prefix + 1 : v_lb];
    v_b := v_swap;
  end if;
  v_m := cardinality(v_a);
  v_n := cardinality(v_b);
  v_blocks := (v_m + c_width - 1) / c_width;
  v_high_last := 1::bigint << (v_m - (v_blocks - 1) * c_width - 1);
  v_mask_last := (v_high_last << 1) - 1;

  -- Each distinct pattern character gets an id; the text is turned into ids (0: not in the
  -- pattern), and peq[(id - 1) * blocks + block] holds where the character occurs.
  with chars as (
    select d.c, row_number() over (order by d.c)::integer as id from (select distinct x as c from unnest(v_a) x) d
  )
  select array_agg(coalesce(ch.id, 0) order by t.ord), (select count(*)::integer from chars)
  into v_ids, v_chars
  from unnest(v_b) with ordinality t(c, ord) left join chars ch on ch.c = t.c;
  with chars as (
    select d.c, row_number() over (order by d.c)::integer as id from (select distinct x as c from unnest(v_a) x) d
  )
  select array_agg(coalesce(x.bits, 0) order by g.idx) into v_peq
  from generate_series(0, v_chars * v_blocks - 1) g(idx)
  left join (
    select (ch.id - 1) * v_blocks + ((s.ord - 1) / c_width)::integer as idx,
           sum(1::bigint << ((s.ord - 1) % c_width)::integer)::bigint as bits
    from unnest(v_a) with ordinality s(c, ord) join chars ch on ch.c = s.c
    group by 1) x on x.idx = g.idx;

  v_pv := array_fill(c_full, array[v_blocks]);
  v_pv[v_blocks] := v_mask_last;
  v_mv := array_fill(0::bigint, array[v_blocks]);
  v_score := v_m;
  for i in 1 .. v_n loop
    v_hin := 1;
    for k in 1 .. v_blocks loop
      v_eq := case when v_ids[i] = 0 then 0 else v_peq[(v_ids[i] - 1) * v_blocks + k] end;
      if k = v_blocks then
        v_mask := v_mask_last;
        v_high := v_high_last;
      else
        v_mask := c_full;
        v_high := 1::bigint << 61;
      end if;
      v_p := v_pv[k];
      v_mvk := v_mv[k];
      v_xv := v_eq | v_mvk;
      if v_hin < 0 then
        v_eq := v_eq | 1;
      end if;
      v_xh := ((((v_eq & v_p) + v_p) # v_p) | v_eq) & v_mask;
      v_ph := (v_mvk | ~(v_xh | v_p)) & v_mask;
      v_mh := v_p & v_xh;
      v_hout := case when v_ph & v_high <> 0 then 1 when v_mh & v_high <> 0 then -1 else 0 end;
      v_ph := (v_ph << 1) & v_mask;
      v_mh := (v_mh << 1) & v_mask;
      if v_hin < 0 then
        v_mh := v_mh | 1;
      elsif v_hin > 0 then
        v_ph := v_ph | 1;
      end if;
      v_pv[k] := (v_mh | ~(v_xv | v_ph)) & v_mask;
      v_mv[k] := v_ph & v_xv;
      v_hin := v_hout;
    end loop;
    v_score := v_score + v_hin;
  end loop;
  return v_score;
end;
$$;

-- Before a pending draft's decision is stored, makes it consistent whoever wrote it: an
-- approval with a changed text is an edit (and an unchanged "edit" an approval), the AI's
-- original draft is kept in draft_body, edit_distance counts the characters changed, and
-- reviewed_at defaults to now.
create function app_private.responses_normalise_review()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_draft text := coalesce(old.draft_body, old.body);
begin
  if new.review_status in ('approved', 'edited') then
    if new.body is distinct from v_draft then
      new.review_status := 'edited';
      new.draft_body := v_draft;
      new.edit_distance := app_private.edit_distance(v_draft, new.body);
    else
      new.review_status := 'approved';
      new.draft_body := null;
      new.edit_distance := 0;
    end if;
  else
    -- A rejected draft is not sent: its text stays the draft.
    new.body := old.body;
    new.edit_distance := null;
  end if;
  new.reviewed_at := coalesce(new.reviewed_at, now());
  return new;
end;
$$;
create trigger responses_normalise_review before update of review_status on public.responses
  for each row when (old.review_status = 'pending' and new.review_status in ('approved', 'edited', 'rejected'))
  execute function app_private.responses_normalise_review();

-- A new draft (or an answer turned into one) is posted to Slack for review.
create function app_private.responses_post_draft()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  select new.ticket_id, 'answer_draft', 'slack', tm.slack_channel_id, jsonb_build_object('response_id', new.id)
  from public.tickets t left join public.teams tm on tm.id = t.team_id
  where t.id = new.ticket_id;
  perform app_private.enqueue_job('notify', new.ticket_id);
  return null;
end;
$$;
create trigger responses_post_draft after insert on public.responses
  for each row when (new.review_status = 'pending' and new.was_ai_generated and new.direction = 'outbound'
                     and new.ticket_id is not null)
  execute function app_private.responses_post_draft();
create trigger responses_post_draft_again after update of review_status on public.responses
  for each row when (new.review_status = 'pending' and old.review_status is distinct from 'pending'
                     and new.was_ai_generated and new.direction = 'outbound' and new.ticket_id is not null)
  execute function app_private.responses_post_draft();

-- A decided draft: a ticket event (draft_approved, draft_edited, draft_rejected) by the
-- reviewer, and an update of every posted copy of its Slack message. The Slack console sets
-- ists.review_via = 'slack' for the event.
create function app_private.responses_review_decided()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_updates integer;
begin
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (new.ticket_id, 'draft_' || new.review_status,
          jsonb_build_object('response_id', new.id, 'edit_distance', new.edit_distance,
                             'review_note', new.review_note,
                             'via', coalesce(nullif(current_setting('ists.review_via', true), ''), 'database')),
          case when new.reviewed_by is null then 'system' else 'agent' end, new.reviewed_by);
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  select new.ticket_id, 'answer_draft_updated', 'slack', coalesce(n.payload ->> 'posted_channel', n.target),
         jsonb_build_object('response_id', new.id, 'ts', n.external_id)
  from public.notifications n
  where n.ticket_id = new.ticket_id and n.kind = 'answer_draft' and n.status = 'sent'
    and n.external_id is not null and n.payload ->> 'response_id' = new.id::text;
  get diagnostics v_updates = row_count;
  if v_updates > 0 then
    perform app_private.enqueue_job('notify', new.ticket_id);
  end if;
  return null;
end;
$$;
create trigger responses_review_decided after update of review_status on public.responses
  for each row when (old.review_status = 'pending' and new.review_status in ('approved', 'edited', 'rejected'))
  execute function app_private.responses_review_decided();

-- Where an answer_draft notification is posted, decided once and kept on the row (so a retry
-- looks for an uncertain post in the same place): in the thread of the ticket's posted "New
-- Ticket" message, a channel's before a direct message's; while that message still waits to
-- be posted, {wait: true}; without one, the team channel itself.
-- Returns {found, wait, channel, thread_ts}.
create function app_private.pin_answer_draft_thread(p_notification_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_note public.notifications;
  v_channel text;
  v_ts text;
begin
  select * into v_note from public.notifications n where n.id = p_notification_id for update;
  if not found then
    return jsonb_build_object('found', false, 'wait', false);
  end if;
  if not (v_note.payload ? 'thread_pinned') then
    if exists (select 1 from public.notifications p
               where p.ticket_id = v_note.ticket_id and p.channel = 'slack' and p.status = 'pending'
                 and p.kind in ('ticket_assigned', 'ticket_queued') and p.target is not null
                 and p.created_at <= v_note.created_at) then
      return jsonb_build_object('found', true, 'wait', true);
    end if;
    select coalesce(p.payload ->> 'posted_channel', p.target), p.external_id into v_channel, v_ts
    from public.notifications p
    where p.ticket_id = v_note.ticket_id and p.channel = 'slack' and p.status = 'sent'
      and p.kind in ('ticket_assigned', 'ticket_queued') and p.external_id is not null
    order by p.target ~ '^[UW]', p.created_at desc
    limit 1;
    update public.notifications n
    set target = coalesce(v_channel, n.target),
        payload = n.payload || jsonb_build_object('thread_pinned', true, 'thread_ts', v_ts)
    where n.id = p_notification_id
    returning * into v_note;
  end if;
  return jsonb_build_object('found', true, 'wait', false, 'channel', v_note.target,
                            'thread_ts', v_note.payload ->> 'thread_ts');
end;
$$;

-- What a posted draft message shows: the draft (or the text sent), why it was not sent
-- automatically, the gates, the cited articles and the decision, for the notify stage.
create function app_private.answer_draft_view(p_response_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'response_id', r.id, 'ticket_id', t.id, 'ticket_number', t.ticket_number, 'channel', t.channel,
    'customer_name', nullif(btrim(coalesce(t.sender_name, '')), ''), 'customer_email', t.sender_email,
    'assignee_id', t.assigned_to, 'ticket_status', t.status,
    'body', r.body, 'draft_body', r.draft_body, 'language', r.language,
    'review_status', r.review_status, 'review_reasons', to_jsonb(r.review_reasons),
    'quality_gates', coalesce(r.quality_gates, '{}'), 'confidence', r.ai_confidence,
    'min_confidence', coalesce(nullif(app_private.get_setting('auto_send_min_confidence'), '')::numeric, 0.9),
    'model', r.model_name, 'edit_distance', r.edit_distance, 'review_note', r.review_note,
    'reviewed_at', extract(epoch from r.reviewed_at)::bigint,
    'reviewer_name', ag.name, 'reviewer_slack_user_id', ag.slack_user_id,
    'articles', coalesce((select jsonb_agg(jsonb_build_object('title', k.title, 'url', k.url) order by x.ord)
                          from unnest(r.kb_article_ids) with ordinality x(id, ord)
                          join public.kb_articles k on k.id = x.id), '[]'))
  from public.responses r
  join public.tickets t on t.id = r.ticket_id
  left join public.agents ag on ag.id = r.reviewed_by
  where r.id = p_response_id
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.edit_distance(text, text),
  app_private.pin_answer_draft_thread(uuid),
  app_private.answer_draft_view(uuid) to service_role;
