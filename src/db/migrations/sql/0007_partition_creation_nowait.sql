-- CREATE TABLE … PARTITION OF locks, waiting for each in turn, the parent and its DEFAULT partition (ACCESS
-- EXCLUSIVE) and every table the parent's foreign keys reference (SHARE ROW EXCLUSIVE, to clone the FK triggers).
-- A writer that had inserted into a referenced table (ROW EXCLUSIVE on, say, feed) and then inserted into the
-- parent waited for the creator's parent lock while the creator waited for feed: a deadlock, seen between a seed
-- run's ensureRunPartitions and a feeding writer. A creator that never waits for a lock while holding one cannot
-- be part of such a cycle, so when a partition is missing it takes all of them NOWAIT in a subtransaction (a
-- failed attempt releases what it got), backing off and retrying on a conflict; 60 s of conflicts means a stuck
-- transaction elsewhere, reported rather than waited out. The advisory lock serialising creators is tried the same
-- way, so a caller holding writer locks in its own transaction cannot leave another creator spinning on them.
-- The parent's partitioned indexes (SHARE UPDATE EXCLUSIVE during the CREATE) cannot be named in LOCK TABLE;
-- holding the parent covers them, as everyone locks a table before its indexes. The lock set is pinned to what
-- PostgreSQL takes by test/integration/db/partition-creation-locks.test.ts.

create or replace function ensure_time_partitions(p_table text, p_from date, p_to date) returns int
language plpgsql as $$
declare
  v_granularity text := time_partition_granularity(p_table);
  v_start date;
  v_end date;
  v_name text;
  v_created int := 0;
  v_bounds text;
  v_default regclass;
  v_referenced regclass;
  v_deadline timestamptz;
  v_busy text;
begin
  if v_granularity is null then
    raise exception 'ensure_time_partitions: % is not a time-partitioned table', p_table;
  end if;
  if p_from > p_to then
    return 0;
  end if;
  select nullif(partdefid, 0)::regclass into v_default from pg_partitioned_table where partrelid = p_table::regclass;
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
      v_deadline := coalesce(v_deadline, clock_timestamp() + interval '60 seconds');
      loop
        begin
          if not pg_try_advisory_xact_lock(hashtext('ensure_time_partitions:' || p_table)) then
            raise exception 'advisory lock of ensure_time_partitions(%) is held by another creator', p_table
              using errcode = 'lock_not_available';
          end if;
          -- ONLY: the CREATE leaves the other partitions alone, so their readers must not make us retry.
          execute format('lock table only %I in access exclusive mode nowait', p_table);
          if v_default is not null then
            execute format('lock table only %s in access exclusive mode nowait', v_default);
          end if;
          for v_referenced in
            select distinct confrelid::regclass from pg_constraint
             where conrelid = p_table::regclass and contype = 'f' order by 1
          loop
            execute format('lock table only %s in share row exclusive mode nowait', v_referenced);
          end loop;
          -- Another creator may have committed this partition while we were backing off.
          if to_regclass(format('%I', v_name)) is null then
            execute format('create table %I partition of %I for values %s', v_name, p_table, v_bounds);
            v_created := v_created + 1;
          end if;
          exit;
        exception when lock_not_available then
          get stacked diagnostics v_busy = message_text;
        end;
        if clock_timestamp() >= v_deadline then
          raise exception 'ensure_time_partitions: gave up creating partition % of % after 60 s of lock conflicts', v_name, p_table
            using errcode = 'lock_not_available',
                  detail = format('Last conflict: %s.', v_busy),
                  hint = 'A long transaction is holding a lock on the table or a table its foreign keys reference; retry when it ends.';
        end if;
        perform pg_sleep(0.010 + random() * 0.040);
      end loop;
    end if;
    v_start := v_end;
  end loop;
  return v_created;
end
$$;
