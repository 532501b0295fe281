-- Business-hours calendars for SLA deadlines: a time zone, weekly working hours (split shifts
-- allowed) and holidays. Business time is counted in the calendar's local wall-clock time and
-- converted back to instants day by day, so deadlines stay right across DST changes.

create table public.business_calendars (
  id uuid primary key default gen_random_uuid(),
  name varchar(100) not null unique check (btrim(name) <> ''),
  time_zone text not null,
  created_at timestamptz not null default now()
);
comment on table public.business_calendars is 'Working-time calendars of SLA policies; a policy without a calendar runs 24/7.';
comment on column public.business_calendars.time_zone is 'IANA time zone (e.g. Europe/Berlin) in which the weekly hours and holidays are meant.';

create table public.business_hours (
  calendar_id uuid not null references public.business_calendars (id) on delete cascade,
  iso_weekday smallint not null check (iso_weekday between 1 and 7),
  start_time time not null,
  end_time time not null,
  primary key (calendar_id, iso_weekday, start_time),
  check (start_time < end_time)
);
comment on table public.business_hours is 'Working intervals per ISO weekday (1 = Monday) in local time; several rows a day make split shifts; end 24:00 = midnight.';

create table public.business_holidays (
  calendar_id uuid not null references public.business_calendars (id) on delete cascade,
  holiday date not null,
  name varchar(100) not null default '',
  primary key (calendar_id, holiday)
);
comment on table public.business_holidays is 'Local dates on which a calendar has no working hours.';

alter table public.business_calendars enable row level security;
alter table public.business_hours enable row level security;
alter table public.business_holidays enable row level security;
revoke all on public.business_calendars, public.business_hours, public.business_holidays from anon, authenticated;
grant all on public.business_calendars, public.business_hours, public.business_holidays to service_role;
grant select on public.business_calendars, public.business_hours, public.business_holidays to authenticated;
create policy business_calendars_select_signed_in_agents on public.business_calendars
  for select to authenticated using (app_private.current_agent_id() is not null);
create policy business_hours_select_signed_in_agents on public.business_hours
  for select to authenticated using (app_private.current_agent_id() is not null);
create policy business_holidays_select_signed_in_agents on public.business_holidays
  for select to authenticated using (app_private.current_agent_id() is not null);

-- Refuses a time zone Postgres does not know by its IANA name (abbreviations and POSIX
-- offsets such as 'CET' or '+02' included: their DST rules are not those of a place).
create function app_private.business_calendars_validate_time_zone()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = new.time_zone) then
    raise exception 'time zone "%" is not an IANA time zone name', new.time_zone using errcode = '22023';
  end if;
  return new;
end;
$$;
create trigger business_calendars_validate_time_zone before insert or update of time_zone on public.business_calendars
  for each row execute function app_private.business_calendars_validate_time_zone();

-- Refuses working intervals of one weekday that overlap (they would count twice).
create function app_private.business_hours_refuse_overlap()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if exists (select 1 from public.business_hours h
             where h.calendar_id = new.calendar_id and h.iso_weekday = new.iso_weekday
               and h.start_time < new.end_time and new.start_time < h.end_time
               and (tg_op = 'INSERT' or (h.calendar_id, h.iso_weekday, h.start_time)
                                         is distinct from (old.calendar_id, old.iso_weekday, old.start_time))) then
    raise exception 'business hours % to % overlap another interval of weekday %',
      new.start_time, new.end_time, new.iso_weekday using errcode = '23P01';
  end if;
  return new;
end;
$$;
create trigger business_hours_refuse_overlap before insert or update on public.business_hours
  for each row execute function app_private.business_hours_refuse_overlap();

-- The working intervals of a calendar as instants, for the local days from the day before
-- p_from's local date to p_days days after it (holidays left out). Each local interval is
-- converted with its own day's UTC offset, which is what makes DST changes come out right.
create function app_private.sla_working_intervals(p_calendar_id uuid, p_from timestamptz, p_days integer)
returns table (starts_at timestamptz, ends_at timestamptz)
language sql
stable
set search_path = ''
as $$
  select (d.day::date + h.start_time) at time zone c.time_zone,
         (d.day::date + h.end_time) at time zone c.time_zone
  from public.business_calendars c
  cross join lateral pg_catalog.generate_series(((p_from at time zone c.time_zone)::date - 1)::timestamp,
                                                ((p_from at time zone c.time_zone)::date + p_days)::timestamp,
                                                interval '1 day') d(day)
  join public.business_hours h on h.calendar_id = c.id and h.iso_weekday = extract(isodow from d.day)
  where c.id = p_calendar_id
    and not exists (select 1 from public.business_holidays x where x.calendar_id = c.id and x.holiday = d.day::date)
  order by 1
$$;

-- The instant at which p_minutes of working time have passed since p_start in a calendar
-- (null calendar = 24/7). Looks up to 400 days ahead; a calendar without working hours in
-- that span raises. Zero or negative minutes give p_start.
create function app_private.sla_add_business_minutes(p_start timestamptz, p_minutes numeric, p_calendar_id uuid)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  v_days integer;
  v_result timestamptz;
begin
  if p_calendar_id is null or p_minutes <= 0 then
    return p_start + make_interval(secs => greatest(p_minutes, 0) * 60);
  end if;
  -- Two weeks covers almost every SLA; look further only when it does not.
  foreach v_days in array array[14, 400] loop
    with clipped as (
      select greatest(w.starts_at, p_start) as starts_at, w.ends_at
      from app_private.sla_working_intervals(p_calendar_id, p_start, v_days) w
      where w.ends_at > p_start
    ), running as (
      select c.starts_at, extract(epoch from c.ends_at - c.starts_at) as seconds,
             sum(extract(epoch from c.ends_at - c.starts_at)) over (order by c.starts_at) as total
      from clipped c
    )
    select r.starts_at + make_interval(secs => p_minutes * 60 - (r.total - r.seconds)) into v_result
    from running r
    where r.total >= p_minutes * 60
    order by r.starts_at
    limit 1;
    if v_result is not null then
      return v_result;
    end if;
  end loop;
  raise exception 'calendar % has fewer than % working minutes in the 400 days after %', p_calendar_id, p_minutes, p_start
    using errcode = '22023';
end;
$$;

-- Working minutes of a calendar between two instants (null calendar = 24/7; 0 when b <= a).
create function app_private.sla_business_minutes_between(p_from timestamptz, p_to timestamptz, p_calendar_id uuid)
returns numeric
language sql
stable
set search_path = ''
as $$
  select case
    when p_to <= p_from then 0::numeric
    when p_calendar_id is null then extract(epoch from p_to - p_from) / 60
    else coalesce((
      select sum(extract(epoch from least(w.ends_at, p_to) - greatest(w.starts_at, p_from)))
      from app_private.sla_working_intervals(p_calendar_id, p_from,
             least(ceil(extract(epoch from p_to - p_from) / 86400)::integer + 1, 4000)) w
      where w.ends_at > p_from and w.starts_at < p_to), 0) / 60
  end
$$;

-- A ready-made calendar (Monday to Friday, 09:00-17:00 in the organisation's time zone) for
-- policies to use; the seeded policies run 24/7.
insert into public.business_calendars (name, time_zone)
select 'Business hours', coalesce((select z.name from pg_catalog.pg_timezone_names z
                                   where z.name = app_private.get_setting('time_zone')), 'UTC');
insert into public.business_hours (calendar_id, iso_weekday, start_time, end_time)
select c.id, d, '09:00', '17:00' from public.business_calendars c cross join generate_series(1, 5) d
where c.name = 'Business hours';

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
