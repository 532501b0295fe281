-- Every signed-in agent sees the spam quarantine (quarantined tickets have no team) and can
-- release a false positive; an agent marks as spam only tickets of their own team; a signed-in
-- user who is not an agent sees nothing.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select auth_user_id as agent_user from public.agents where id = :'agent_id' \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'quarantined') as spam_id \gset
update public.tickets set is_spam = true where id = :'spam_id';
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'other_team') as other_ticket \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id') as own_ticket \gset

-- TEST
select tests.authenticate_as(:'agent_user');
select is((select count(*) from public.spam_quarantine where ticket_id = :'spam_id'), 1::bigint,
  'an agent sees the quarantined ticket');
select throws_ok(format('select public.mark_as_spam(%L)', :'other_ticket'), '42501', null,
  'an agent cannot mark another team''s ticket as spam');
select is(public.mark_as_spam(:'own_ticket'), 'quarantined', 'an agent marks their own team''s ticket as spam');
select is(public.release_from_quarantine(:'spam_id'), 'analyzed', 'an agent releases a false positive');
select tests.authenticate_as(gen_random_uuid()::text);
select is((select count(*) from public.spam_quarantine), 0::bigint, 'a signed-in non-agent sees no quarantine');
select throws_ok(format('select public.release_from_quarantine(%L)', :'own_ticket'), '42501', null,
  'and cannot release anything');

select * from finish();
rollback;
