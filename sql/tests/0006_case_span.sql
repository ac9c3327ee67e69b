-- The span a case can count in (0031): it holds every time the figures read from the row (reported,
-- filed, due, handled, closed), so that a period holding one of them meets it; it has no end
-- while the case is open with a deadline (open and overdue at any later period's end), and ends
-- once the case is handled, closed or out of the flow. Checked on 20,000 generated combinations
-- of times (each present or not, in any order) and states.
BEGIN;
SELECT plan(5);

CREATE TEMP TABLE spans AS
SELECT t.*, case_span(t.reported_at, t.filed_at, t.handle_due, t.handled_at, t.closed_at, t.state) AS span
FROM (
    SELECT timestamptz '2026-01-01 00:00+08' + random() * interval '30 days' AS reported_at,
           CASE WHEN random() < 0.8 THEN timestamptz '2026-01-01 00:00+08' + random() * interval '30 days' END AS filed_at,
           CASE WHEN random() < 0.7 THEN timestamptz '2026-01-01 00:00+08' + random() * interval '30 days' END AS handle_due,
           CASE WHEN random() < 0.5 THEN timestamptz '2026-01-01 00:00+08' + random() * interval '30 days' END AS handled_at,
           CASE WHEN random() < 0.4 THEN timestamptz '2026-01-01 00:00+08' + random() * interval '30 days' END AS closed_at,
           (ARRAY['reported', 'filed', 'dispatched', 'handling', 'handled', 'closed', 'evaluated', 'voided', 'merged', 'invalid', 'notFiled',
                  'suspended'])[1 + floor(random() * 12)::int] AS state
    FROM generate_series(1, 20000)
) t;

SELECT is((SELECT count(*) FROM spans
           WHERE NOT (span @> reported_at AND (filed_at IS NULL OR span @> filed_at) AND (handle_due IS NULL OR span @> handle_due)
                      AND (handled_at IS NULL OR span @> handled_at) AND (closed_at IS NULL OR span @> closed_at))),
          0::int8, 'a span holds every time of its case');
SELECT is((SELECT count(*) FROM spans
           WHERE handle_due IS NOT NULL AND handled_at IS NULL AND closed_at IS NULL
             AND state IN ('reported', 'filed', 'dispatched', 'handling', 'handled', 'suspended') AND NOT upper_inf(span)),
          0::int8, 'an open case with a deadline has no end');
SELECT is((SELECT count(*) FROM spans
           WHERE (handle_due IS NULL OR handled_at IS NOT NULL OR closed_at IS NOT NULL
                  OR state IN ('closed', 'evaluated', 'voided', 'merged', 'invalid', 'notFiled')) AND upper_inf(span)),
          0::int8, 'a handled, closed or finished case has an end');

-- A case's facts change no earlier than it is reported (0034): the figures read a case whose facts
-- are unchanged since a time as reported by then.
INSERT INTO tenants (id, code, name, division_code) VALUES (930001, 'SPA', '甲区', '110108');
INSERT INTO org_units (tenant_id, id, parent_id, kind, grid_level, code, name, path, depth)
VALUES (930001, 9300011, NULL, 'district', NULL, 'D1', '区', '9300011.', 0),
       (930001, 9300012, 9300011, 'grid', 1, 'G1', '网格', '9300011.9300012.', 1);
INSERT INTO cases (tenant_id, id, number, state, source, description, location, grid_id, grid_path)
VALUES (930001, 9300015, 'N1', 'reported', 'hotline', '占道', ST_SetSRID(ST_MakePoint(116.305, 39.955), 4326), 9300012, '9300011.9300012.');
SELECT ok((SELECT facts_at = reported_at FROM cases WHERE id = 9300015), 'a new case''s facts date from its report');
SELECT throws_ok($$UPDATE cases SET facts_at = reported_at - interval '1 second' WHERE id = 9300015$$, '23514', NULL,
                 'facts changed before the report are refused');

SELECT * FROM finish();
ROLLBACK;
