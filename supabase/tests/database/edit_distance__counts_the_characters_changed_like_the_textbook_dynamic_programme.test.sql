-- app_private.edit_distance() is the Levenshtein distance in characters (code points, not
-- bytes): known pairs, texts longer than one 62-character bit-vector block, and 300 random
-- pairs checked against the textbook dynamic programme.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP: the textbook algorithm, for this transaction only
create function pg_temp.textbook_distance(p_a text, p_b text)
returns integer
language plpgsql
immutable
as $$
declare
  v_a text[] := regexp_split_to_array(p_a, '');
  v_b text[] := regexp_split_to_array(p_b, '');
  v_la integer := case when p_a = '' then 0 else cardinality(v_a) end;
  v_lb integer := case when p_b = '' then 0 else cardinality(v_b) end;
  v_prev integer[];
  v_cur integer[];
begin
  if v_la = 0 or v_lb = 0 then
    return greatest(v_la, v_lb);
  end if;
  v_prev := array(select generate_series(0, v_lb));
  for i in 1 .. v_la loop
    v_cur := array[i];
    for j in 1 .. v_lb loop
      v_cur[j + 1] := least(v_prev[j] + case when v_a[i] = v_b[j] then 0 else 1 end, v_prev[j + 1] + 1, v_cur[j] + 1);
    end loop;
    v_prev := v_cur;
  end loop;
  return v_prev[v_lb + 1];
end;
$$;

-- TEST: known pairs
select is(app_private.edit_distance('kitten', 'sitting'), 3, 'kitten → sitting is 3 edits');
select is(app_private.edit_distance('flaw', 'lawn'), 2, 'flaw → lawn is 2 edits');
select is(app_private.edit_distance('', 'abc') + app_private.edit_distance('abc', ''), 6, 'from or to nothing: the length');
select is(app_private.edit_distance('Same text', 'Same text'), 0, 'an unchanged text is 0');
select is(app_private.edit_distance('Grüße, 😀', 'Grusse, 😃'), 4, 'characters, not bytes: ü→u (1), ß→ss (2), one emoji for another (1)');
select is(app_private.edit_distance('Hi Sam, restart the app.', 'Hi Sam, please restart the app.'), 7,
  'inserting "please " is 7 characters');

-- TEST: longer than one bit-vector block
select is(app_private.edit_distance('x' || repeat('ab', 70) || 'y', 'z' || repeat('ba', 70) || 'w'),
  pg_temp.textbook_distance('x' || repeat('ab', 70) || 'y', 'z' || repeat('ba', 70) || 'w'),
  'a 142-character text spanning three blocks');

-- TEST: random pairs agree with the textbook algorithm
select is((
  with pairs as (
    select (select string_agg(substr('abcé😀 ', 1 + floor(random() * 6)::integer, 1), '')
            from generate_series(1, 1 + floor(random() * 140)::integer) where g > 0) as a,
           (select string_agg(substr('abcé😀 ', 1 + floor(random() * 6)::integer, 1), '')
            from generate_series(1, 1 + floor(random() * 140)::integer) where g > 0) as b
    from generate_series(1, 300) g)
  select count(*) from pairs where app_private.edit_distance(a, b) <> pg_temp.textbook_distance(a, b)),
  0::bigint, '300 random pairs up to 141 characters: no difference');

select * from finish();
rollback;
