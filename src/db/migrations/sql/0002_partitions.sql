-- Time-series partitions (data-model.md §4): monthly environmental_reading, quarterly feeding_event and
-- daily_assignment_state, yearly environmental_daily, each with a DEFAULT partition that must stay empty.
-- Writers call ensure_time_partitions for the range they are about to write (past ranges included), in a short
-- transaction of their own; the maintenance job keeps 12 months ahead.

create or replace function time_partition_granularity(p_table text) returns text
language sql immutable as $$
  select case p_table
    when 'environmental_reading' then 'month'
    when 'feeding_event' then 'quarter'
    when 'daily_assignment_state' then 'quarter'
    when 'environmental_daily' then 'year'
  end
$$;

create or replace function time_partition_name(p_table text, p_start date) returns text
language sql immutable as $$
  select p_table || '_p' || case time_partition_granularity(p_table)
    when 'month' then to_char(p_start, 'YYYY_MM')
    when 'quarter' then to_char(p_start, 'YYYY') || '_q' || extract(quarter from p_start)::int
    else to_char(p_start, 'YYYY')
  end
$$;

-- Creates the missing partitions of p_table covering [p_from, p_to]; returns how many it created.
create or replace function ensure_time_partitions(p_table text, p_from date, p_to date) returns int
language plpgsql as $$
declare
  v_granularity text := time_partition_granularity(p_table);
  v_start date;
  v_end date;
  v_name text;
  v_created int := 0;
  v_bounds text;
begin
  if v_granularity is null then
    raise exception 'ensure_time_partitions: % is not a time-partitioned table', p_table;
  end if;
  if p_from > p_to then
    return 0;
  end if;
  -- Serialise creators of one table: two writers racing for the same new partition would otherwise collide.
  perform pg_advisory_xact_lock(hashtext('ensure_time_partitions:' || p_table));
  v_start := date_trunc(v_granularity, p_from::timestamp)::date;
  while v_start <= p_to loop
    v_end := (v_start + case v_granularity when 'month' then interval '1 month'
                                           when 'quarter' then interval '3 months'
                                           else interval '1 year' end)::date;
    v_name := time_partition_name(p_table, v_start);
    if to_regclass(format('%I', v_name)) is null then
      -- Bounds of a timestamptz key are spelled in UTC so the session time zone cannot shift them.
      v_bounds := case when p_table = 'environmental_reading'
        then format('from (%L) to (%L)', v_start::text || ' 00:00:00+00', v_end::text || ' 00:00:00+00')
        else format('from (%L) to (%L)', v_start, v_end) end;
      execute format('create table %I partition of %I for values %s', v_name, p_table, v_bounds);
      v_created := v_created + 1;
    end if;
    v_start := v_end;
  end loop;
  return v_created;
end
$$;

create table "environmental_reading_default" partition of "environmental_reading" default;
create table "environmental_daily_default" partition of "environmental_daily" default;
create table "feeding_event_default" partition of "feeding_event" default;
create table "daily_assignment_state_default" partition of "daily_assignment_state" default;
