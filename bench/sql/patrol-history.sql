-- The benchmark district's patrols (0037) for the assessment benchmark, run once by
-- AssessmentBench.swift when the district has none (one statement per step; `:tenant` is the
-- district's id). One patroller per basic grid, a grid worker there, checks in once on nine days
-- in ten in each of its unit grids, over the 365 days before today (about 9.9 million check-ins
-- on 30,000 grids), with the projections the service writes beside each check-in. And the grid
-- workers' reports record a round: seven in ten within the limit after it.

-- step: patrollers
INSERT INTO users (tenant_id, login, display_name, password_hash)
SELECT b.tenant_id, 'bench.pt' || lpad(row_number() OVER (ORDER BY b.id)::text, 4, '0'), '巡查员' || row_number() OVER (ORDER BY b.id), '!'
FROM org_units b
WHERE b.tenant_id = :tenant AND b.kind = 'grid' AND EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = b.tenant_id AND c.parent_id = b.id)
ORDER BY b.id;

-- step: bindings (held since before the year of check-ins: their grants, 0038, are dated so)
INSERT INTO role_bindings (tenant_id, user_id, role, scope_org_unit_id, created_at)
SELECT b.tenant_id, u.id, 'gridWorker', b.id, now() - interval '367 days'
FROM (SELECT b.tenant_id, b.id, 'bench.pt' || lpad(row_number() OVER (ORDER BY b.id)::text, 4, '0') AS login
      FROM org_units b
      WHERE b.tenant_id = :tenant AND b.kind = 'grid' AND EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = b.tenant_id AND c.parent_id = b.id)) b
JOIN users u ON u.tenant_id = b.tenant_id AND u.login = b.login;

-- step: checkins
INSERT INTO patrol_checkins (tenant_id, user_id, grid_id, grid_path, day, at, lat, lng)
SELECT g.tenant_id, r.user_id, g.id, g.path, d.day::date,
       (d.day + interval '8 hours' + make_interval(mins => (g.id % 600)::int)) AT TIME ZONE 'Asia/Shanghai',
       39.9 + (g.id % 1000) * 0.0001, 116.3 + (g.id % 1000) * 0.0001
FROM org_units g
JOIN role_bindings r ON r.tenant_id = g.tenant_id AND r.scope_org_unit_id = g.parent_id AND r.role = 'gridWorker'
CROSS JOIN generate_series(date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - interval '365 days',
                           date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 day', interval '1 day') AS d(day)
WHERE g.tenant_id = :tenant AND g.kind = 'grid' AND NOT EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = g.tenant_id AND c.parent_id = g.id)
  AND (g.id * 7 + extract(doy FROM d.day)::int * 3) % 10 <> 0
ORDER BY d.day, g.id;

-- step: grid-days
INSERT INTO patrol_days (tenant_id, day, grid_id, user_id, grid_path, first_at, last_at, checkins)
SELECT tenant_id, day, grid_id, user_id, grid_path, min(at), max(at), count(*) FROM patrol_checkins WHERE tenant_id = :tenant
GROUP BY tenant_id, day, grid_id, user_id, grid_path;

-- step: anyone's grid-days
INSERT INTO patrol_grid_days (tenant_id, day, grid_id, grid_path, first_at, first_by)
SELECT DISTINCT ON (day, grid_id) tenant_id, day, grid_id, grid_path, first_at, user_id FROM patrol_days WHERE tenant_id = :tenant
ORDER BY day, grid_id, first_at;

-- step: months
INSERT INTO patrol_person_months (tenant_id, month, grid_id, user_id, grid_path, days)
SELECT tenant_id, date_trunc('month', day::timestamp)::date, grid_id, user_id, grid_path, count(*) FROM patrol_days WHERE tenant_id = :tenant
GROUP BY 1, 2, 3, 4, 5;

-- step: grid months
INSERT INTO patrol_grid_months (tenant_id, month, grid_id, grid_path, days)
SELECT tenant_id, date_trunc('month', day::timestamp)::date, grid_id, grid_path, count(*) FROM patrol_grid_days WHERE tenant_id = :tenant
GROUP BY 1, 2, 3, 4;

-- step: rounds
UPDATE cases SET patrolled_at = CASE WHEN id % 10 < 7 THEN reported_at - interval '25 minutes' END, found_on_round = id % 10 < 7
WHERE tenant_id = :tenant AND source = 'gridWorker' AND found_on_round IS NULL;

-- step: vacuum cases
VACUUM (ANALYZE) cases;

-- step: vacuum patrol days
VACUUM (ANALYZE) patrol_days;

-- step: vacuum grid days
VACUUM (ANALYZE) patrol_grid_days;

-- step: vacuum months
VACUUM (ANALYZE) patrol_person_months;

-- step: vacuum grid months
VACUUM (ANALYZE) patrol_grid_months;

-- step: vacuum check-ins
VACUUM (ANALYZE) patrol_checkins;
