-- Throughput: stage functions hand a whole claimed batch to one SQL call, each job in its
-- own subtransaction, and the derived (re-runnable) stage work commits asynchronously.
-- Intake keeps synchronous commit: an accepted message is never lost.

-- Runs one stage step per job, each in a subtransaction: a job that fails is recorded with
-- fail_job (retry or dead letter) without undoing the others; a stale claim is skipped.
-- p_jobs: [{job_id, attempt, ticket_id, result?}]. Returns [{job_id, outcome, detail}].
create function app_private.run_stage_batch(p_stage text, p_jobs jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_job jsonb;
  v_out jsonb := '[]'::jsonb;
  v_detail jsonb;
  v_status text;
begin
  perform app_private.use_async_commit();
  for v_job in select * from jsonb_array_elements(p_jobs)
  loop
    begin
      if p_stage = 'triage' then
        if v_job ? 'error' then
          raise exception '%', v_job ->> 'error';
        end if;
        v_detail := to_jsonb(app_private.record_triage((v_job ->> 'job_id')::bigint,
          (v_job ->> 'attempt')::integer, (v_job ->> 'ticket_id')::uuid, v_job -> 'result'));
      elsif p_stage = 'route' then
        -- Taken once, before any ticket row is locked, so batches queue up instead of deadlocking.
        perform app_private.lock_team_assignment(null);
        v_detail := app_private.run_route_job((v_job ->> 'job_id')::bigint,
          (v_job ->> 'attempt')::integer, (v_job ->> 'ticket_id')::uuid);
      else
        raise exception 'stage % has no batch step', p_stage;
      end if;
      v_out := v_out || jsonb_build_object('job_id', v_job -> 'job_id', 'outcome', 'done', 'detail', v_detail);
    exception when others then
      if sqlerrm like '%is no longer claimed%' then
        v_out := v_out || jsonb_build_object('job_id', v_job -> 'job_id', 'outcome', 'stale');
      else
        v_status := app_private.fail_job((v_job ->> 'job_id')::bigint, (v_job ->> 'attempt')::integer, sqlerrm);
        v_out := v_out || jsonb_build_object('job_id', v_job -> 'job_id', 'outcome', v_status,
                                             'detail', to_jsonb(sqlerrm));
      end if;
    end;
  end loop;
  return v_out;
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;
