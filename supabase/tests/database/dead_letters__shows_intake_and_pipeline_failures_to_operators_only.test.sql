-- public.dead_letters is the one error view of everything that failed for good: dead pipeline
-- jobs and intake dead letters (unparsable mail, no sender, intake failing after its
-- retries), unresolved first. It is for operators (service role, Studio): agents and
-- anonymous callers read nothing.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: an intake dead letter and a resolved one
select tests.authenticate_as_service_role();
select app_private.intake_dead_letter('email', 'the message has no usable sender address (From/Reply-To)',
  convert_to('Subject: nobody', 'UTF8'), '{"subject": "nobody", "source": "email-inbound"}') as open_id \gset
select app_private.intake_dead_letter('web', 'intake failed after its retries: boom', convert_to('{}', 'UTF8'),
  '{"source": "intake"}') as handled_id \gset
update public.intake_dead_letters set resolved_at = now(), resolved_note = 'replayed by hand' where id = :handled_id;

-- TEST
select results_eq(format($$select source, channel, subject, error, raw_bytes from public.dead_letters
                           where source = 'intake' and id = %s$$, :open_id),
  $$values ('intake'::text, 'email'::text, 'nobody'::text,
            'the message has no usable sender address (From/Reply-To)'::text, 15::bigint)$$,
  'an intake dead letter shows with its channel, subject, reason and size');
select is((select resolved_note from public.dead_letters where source = 'intake' and id = :handled_id), 'replayed by hand',
  'a handled one shows how it was handled');
select ok((select array_position(array_agg(id order by ordinality), :open_id::bigint)
                < array_position(array_agg(id order by ordinality), :handled_id::bigint)
           from (select id, row_number() over () as ordinality from public.dead_letters where source = 'intake') d),
  'unresolved ones come first');
reset role;
select tests.create_agent_user() as agent_id \gset
select auth_user_id as agent_user from public.agents where id = :'agent_id' \gset
select tests.authenticate_as(:'agent_user');
select throws_ok('select count(*) from public.dead_letters', '42501', null, 'an agent cannot read it');
select tests.clear_authentication();
select throws_ok('select count(*) from public.dead_letters', '42501', null, 'nor can an anonymous caller');

select * from finish();
rollback;
