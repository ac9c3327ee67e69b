-- The span in which a case can count in a period's figures (issue 18): from the first to the last
-- of its reported, filed, due, handled and closed times, and without end while it is open with a
-- deadline (it may be open and overdue at the end of any later period). A case whose row counts
-- for a period has one of those times in it, or is open and overdue at its end, so its span meets
-- the period. One range index, with the path checked in it, finds a street's period among its
-- own cases, where a union of five time indexes read the whole district's period and then kept
-- the street's twentieth of it.
CREATE FUNCTION case_span(reported_at timestamptz, filed_at timestamptz, handle_due timestamptz, handled_at timestamptz, closed_at timestamptz, state text)
RETURNS tstzrange LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN tstzrange(
    least(reported_at, filed_at, handle_due, handled_at, closed_at),
    CASE WHEN handle_due IS NOT NULL AND handled_at IS NULL AND closed_at IS NULL
              AND state <> ALL(ARRAY['invalid', 'notFiled', 'voided', 'merged', 'closed', 'evaluated'])
         THEN NULL
         ELSE greatest(reported_at, filed_at, handle_due, handled_at, closed_at) END,
    '[]');

CREATE INDEX cases_span ON cases USING gist (tenant_id, case_span(reported_at, filed_at, handle_due, handled_at, closed_at, state), grid_path);

-- The cases in flight at a time (0030) as a space-partitioned tree: the balanced tree's boxes of
-- long and short spans overlapped so much that finding the 4,600 cases in flight at a month's end
-- among 1,000,000 read 60 ms of index; this one reads 7 ms.
DROP INDEX cases_in_flight;
CREATE INDEX cases_in_flight ON cases USING spgist (tstzrange(reported_at, facts_at, '[]'));
