-- The ladder's year for the level-figures benchmark (issue 16), set-based as the schema owner, on
-- top of the cases benchmark's history (case-history.sql): each filed case is held at a level, 10 %
-- by its grid, 45 % by its community, 35 % by its street, 10 % by the district; a third of the
-- community's cases were handed up to the street on a slip (8 in 15 accepted, 4 refused, 3 handed up
-- by the system at the local limit and accepted), so those have two turns of custody. Each turn
-- ends when the next begins or the case closed. Run by LadderBench.swift, one statement per step
-- (a line `-- step: <name>` starts each), with :tenant replaced by the district's id.

-- step: plan
CREATE TEMP TABLE bench_ladder AS
SELECT c.id, c.grid_path, c.grid_id, c.filed_at, c.closed_at, r,
       CASE WHEN r < 10 THEN 'grid' WHEN r < 55 THEN 'community' WHEN r < 90 THEN 'street' ELSE 'district' END AS first_level,
       CASE WHEN r BETWEEN 10 AND 17 OR r BETWEEN 22 AND 24 THEN 'street'
            WHEN r < 10 THEN 'grid' WHEN r < 55 THEN 'community' WHEN r < 90 THEN 'street' ELSE 'district' END AS level,
       CASE WHEN r BETWEEN 10 AND 24 THEN c.filed_at + least(interval '4 hours', coalesce(c.closed_at - c.filed_at, interval '4 hours') / 2) END AS moved_at,
       CASE WHEN r BETWEEN 10 AND 17 THEN 'accepted' WHEN r BETWEEN 18 AND 21 THEN 'refused' WHEN r BETWEEN 22 AND 24 THEN 'automatic' END AS slip
FROM (SELECT c.*, abs(hashint8(c.id)) % 100 AS r FROM cases c WHERE c.tenant_id = :tenant AND c.filed_at IS NOT NULL) c;

-- step: units
CREATE TEMP TABLE bench_ladder_units AS
SELECT b.id,
       CASE b.first_level WHEN 'grid' THEN b.grid_id WHEN 'community' THEN split_part(b.grid_path, '.', 3)::bigint
                          WHEN 'street' THEN split_part(b.grid_path, '.', 2)::bigint ELSE split_part(b.grid_path, '.', 1)::bigint END AS first_unit,
       CASE b.level WHEN 'grid' THEN b.grid_id WHEN 'community' THEN split_part(b.grid_path, '.', 3)::bigint
                    WHEN 'street' THEN split_part(b.grid_path, '.', 2)::bigint ELSE split_part(b.grid_path, '.', 1)::bigint END AS unit
FROM bench_ladder b;

-- step: cases
UPDATE cases c SET level = b.level, level_unit_id = u.unit, level_since = coalesce(b.moved_at, b.filed_at)
FROM bench_ladder b JOIN bench_ladder_units u ON u.id = b.id
WHERE c.tenant_id = :tenant AND c.id = b.id;

-- step: slips
INSERT INTO case_handovers (tenant_id, case_id, grid_path, from_level, from_unit_id, to_level, to_unit_id, reason_kind, reason, automatic,
                            created_at, status, decided_at, decision_reason)
SELECT :tenant, b.id, b.grid_path, 'community', u.first_unit, 'street', split_part(b.grid_path, '.', 2)::bigint,
       CASE WHEN b.slip = 'automatic' THEN 'limitPassed' ELSE (ARRAY['beyondAuthority', 'needsEnforcement', 'crossArea', 'needsFunds', 'partiesDisagree', 'other'])[1 + b.id % 6] END,
       CASE WHEN b.slip = 'automatic' THEN '社区超过本级时限未处置也未上报，系统自动上报' ELSE '社区无法协调解决' END,
       b.slip = 'automatic', b.filed_at + (b.moved_at - b.filed_at) / 2,
       CASE WHEN b.slip = 'refused' THEN 'refused' ELSE 'accepted' END, b.moved_at,
       CASE WHEN b.slip = 'refused' THEN '属社区协调范围' END
FROM bench_ladder b JOIN bench_ladder_units u ON u.id = b.id
WHERE b.slip IS NOT NULL;

-- step: turns
INSERT INTO case_custody (tenant_id, case_id, grid_path, level, unit_id, started_at, started_by, ended_at, ended_by)
SELECT :tenant, b.id, b.grid_path, b.first_level, u.first_unit, b.filed_at, 'file',
       CASE WHEN b.slip IN ('accepted', 'automatic') THEN b.moved_at ELSE b.closed_at END,
       CASE WHEN b.slip IN ('accepted', 'automatic') THEN 'acceptHandUp' WHEN b.closed_at IS NOT NULL THEN 'close' END
FROM bench_ladder b JOIN bench_ladder_units u ON u.id = b.id
UNION ALL
SELECT :tenant, b.id, b.grid_path, 'street', u.unit, b.moved_at, 'acceptHandUp', b.closed_at, CASE WHEN b.closed_at IS NOT NULL THEN 'close' END
FROM bench_ladder b JOIN bench_ladder_units u ON u.id = b.id
WHERE b.slip IN ('accepted', 'automatic');

-- step: self-handled
-- A case the grid worker handled at the report is the grid's.
UPDATE cases c SET level = 'grid', level_unit_id = c.grid_id, level_since = c.handled_at
WHERE c.tenant_id = :tenant AND c.filed_at IS NULL AND c.handled_at IS NOT NULL;
