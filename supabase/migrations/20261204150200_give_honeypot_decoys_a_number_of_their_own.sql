-- A filled honeypot is answered with a ticket number taken from the ticket numbers' sequence,
-- so no real ticket is ever given the number a decoy answer showed (it used to be the next
-- free number, which the next real ticket then got).
create or replace function app_private.record_intake_honeypot(p_client_ip text, p_context jsonb)
returns table (ticket_number bigint, retry_after_seconds integer, limited_by text)
language plpgsql
set search_path = ''
as $$
declare
  v_limit record;
begin
  select l.retry_after_seconds, l.limited_by into v_limit
  from app_private.take_intake_rate_limit(null, p_client_ip) l;
  if v_limit.limited_by is not null then
    return query select null::bigint, v_limit.retry_after_seconds, v_limit.limited_by;
    return;
  end if;

  insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
  values ('intake', 'honeypot', 'honeypot', 'Form post with the honeypot field filled: dropped',
          coalesce(p_context, '{}'::jsonb) || jsonb_build_object('client_ip', p_client_ip), 'info');

  return query select nextval(pg_get_serial_sequence('public.tickets', 'ticket_number')),
                      null::integer, null::text;
end;
$$;

revoke all on function app_private.record_intake_honeypot(text, jsonb) from public;
grant execute on function app_private.record_intake_honeypot(text, jsonb) to service_role;
