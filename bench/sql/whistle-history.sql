-- The whistles' year for the whistle benchmark (issue 17), set-based as the schema owner, on the
-- cases benchmark's district: :whistles whistles (each at a unit grid of its own, whistled by the
-- grid's street) accepted over the 365 days before today (UTC midnight), 3 % declined instead; each
-- names 2–4 of the district's departments, summoned on acceptance with 30 minutes to report in:
-- 80 % in on time, 10 % late (red at the limit, then in), 5 % absent (red), 5 % released before
-- checking in; 1 in 17 of those in checked in beyond the radius. The street closed each accepted
-- whistle within hours, scored every department of 95 % of them (evaluated) and fed back 90 %.
-- The history (form, analyse, blow, accept or decline, each check-in, red, release, close,
-- evaluate, feed back) numbers the versions. Run by WhistleBench.swift, one statement per step (a
-- line `-- step: <name>` starts each), with :tenant and :whistles replaced; the whistles are told
-- by created_login 'bench.history'. No photos: the figures do not read them.

-- step: plan
CREATE TEMP TABLE bench_whistle_plan AS
WITH base AS (SELECT coalesce(max(id), 0) + 1000 AS base, date_trunc('day', now()) AS t0 FROM whistles),
grids AS (
    SELECT g.id, g.path, row_number() OVER (ORDER BY hashint8(g.id), g.id) AS n, ST_PointOnSurface(g.geom) AS p
    FROM org_units g
    WHERE g.tenant_id = :tenant AND g.kind = 'grid' AND g.grid_level = 2 AND g.retired_at IS NULL
)
SELECT b.base + g.n AS id, g.n, split_part(g.path, '.', 2)::bigint AS street_id, ST_Y(g.p) AS lat, ST_X(g.p) AS lng, r, k,
       CASE WHEN r < 3 THEN 'declined' WHEN r < 8 THEN 'closed' WHEN r < 13 THEN 'evaluated' ELSE 'fedBack' END AS state,
       t.at - interval '25 minutes' AS created_at, t.at - interval '12 minutes' AS whistled_at, t.at AS decided_at,
       t.at + (120 + r * 3) * interval '1 minute' AS closed_at, t.at + interval '1 day' AS evaluated_at, t.at + interval '2 days' AS fed_back_at
FROM grids g CROSS JOIN base b
CROSS JOIN LATERAL (SELECT abs(hashint8(g.n * 7919)) % 100 AS r, abs(hashint8(g.n * 104729)) % 4 AS k) h
CROSS JOIN LATERAL (SELECT b.t0 - interval '365 days' + (abs(hashint8(g.n)) % (365 * 86400)) * interval '1 second' AS at) t
WHERE g.n <= :whistles;

-- step: whistles
INSERT INTO whistles (tenant_id, id, version, state, unit_id, unit_path, street_id, level, kind, kind_name, reason, object, address, lat, lng,
                      limit_minutes, radius_m, proposed, created_login, created_at, whistled_at, accepted_at, decline_reason, closed_at, result,
                      evaluated_at, feedback, fed_back_at, updated_at)
SELECT :tenant, p.id, 1, p.state, s.id, s.path, s.id, 'street', (ARRAY['patrol', 'consult', 'enforce', 'manage'])[1 + p.k],
       (ARRAY['巡查哨', '会商哨', '执法哨', '管理哨'])[1 + p.k],
       (ARRAY['违建拆除需多部门联合执法', '占道经营反复回潮', '老旧小区管线破损', '河道沿岸垃圾堆积', '夜间施工噪声扰民'])[1 + (p.n % 5)::int],
       '基准对象 ' || p.n, s.name || '基准路 ' || (p.n % 300 + 1) || ' 号', p.lat, p.lng, 30, 500, false, 'bench.history',
       p.created_at, p.whistled_at, CASE WHEN p.state <> 'declined' THEN p.decided_at END,
       CASE WHEN p.state = 'declined' THEN '不属于吹哨范围，转案件办理' END,
       CASE WHEN p.state <> 'declined' THEN p.closed_at END, CASE WHEN p.state <> 'declined' THEN '联合处置完毕' END,
       CASE WHEN p.state IN ('evaluated', 'fedBack') THEN p.evaluated_at END, CASE WHEN p.state = 'fedBack' THEN '已向群众反馈处置结果' END,
       CASE WHEN p.state = 'fedBack' THEN p.fed_back_at END,
       CASE p.state WHEN 'declined' THEN p.decided_at WHEN 'closed' THEN p.closed_at WHEN 'evaluated' THEN p.evaluated_at ELSE p.fed_back_at END
FROM bench_whistle_plan p JOIN org_units s ON s.tenant_id = :tenant AND s.id = p.street_id;

-- step: summons
INSERT INTO whistle_summons (tenant_id, whistle_id, department_id, position, status, task, summoned_at, due_at, check_in_at, check_in_login,
                             check_in_lat, check_in_lng, distance_m, far, minutes_late, red_at, released_at, release_reason, checked_out_at,
                             report, reported_at, score_on_time, score_attitude, score_result, scored_at)
SELECT :tenant, x.id, x.department_id, x.j + 1, x.status, '现场处置', x.summoned_at, x.due_at,
       x.check_in_at, CASE WHEN x.check_in_at IS NOT NULL THEN 'bench.history' END,
       CASE WHEN x.check_in_at IS NOT NULL THEN x.lat + x.distance_m / 111000 END, CASE WHEN x.check_in_at IS NOT NULL THEN x.lng END,
       CASE WHEN x.check_in_at IS NOT NULL THEN x.distance_m END, CASE WHEN x.check_in_at IS NOT NULL THEN x.distance_m > 500 END,
       CASE WHEN x.check_in_at IS NOT NULL THEN greatest(0, ceil(extract(epoch FROM x.check_in_at - x.due_at) / 60))::int END,
       CASE WHEN x.o BETWEEN 80 AND 94 THEN x.due_at END,
       CASE WHEN x.o >= 95 THEN x.summoned_at + interval '10 minutes' END, CASE WHEN x.o >= 95 THEN '现场无需该部门' END,
       CASE WHEN x.check_in_at IS NOT NULL THEN x.closed_at END,
       CASE WHEN x.check_in_at IS NOT NULL THEN '已按分工完成处置' END, CASE WHEN x.check_in_at IS NOT NULL THEN x.closed_at - interval '5 minutes' END,
       x.score, CASE WHEN x.score IS NOT NULL THEN 3 + (x.o + 1) % 3 END, CASE WHEN x.score IS NOT NULL THEN 3 + (x.o + 2) % 3 END,
       CASE WHEN x.score IS NOT NULL THEN x.evaluated_at END
FROM (
    SELECT p.id, p.lat, p.lng, j, d.ids[1 + ((p.n * 7 + j * 3) % array_length(d.ids, 1))::int] AS department_id, o,
           CASE WHEN p.state = 'declined' THEN 'proposed' ELSE 'summoned' END AS status,
           CASE WHEN p.state <> 'declined' THEN p.decided_at END AS summoned_at,
           CASE WHEN p.state <> 'declined' THEN p.decided_at + interval '30 minutes' END AS due_at,
           CASE WHEN p.state = 'declined' OR o BETWEEN 90 AND 99 THEN NULL
                WHEN o < 80 THEN p.decided_at + (5 + o % 25) * interval '1 minute'
                ELSE p.decided_at + (31 + o % 45) * interval '1 minute' END AS check_in_at,
           CASE WHEN o % 17 = 0 THEN 600 + o * 7 ELSE 20 + o * 4 END::float8 AS distance_m,
           CASE WHEN p.state IN ('evaluated', 'fedBack') THEN (CASE WHEN o < 80 THEN 4 + o % 2 WHEN o < 95 THEN 1 + o % 3 ELSE 3 END)::smallint END AS score,
           p.closed_at, p.evaluated_at
    FROM bench_whistle_plan p
    CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM departments WHERE tenant_id = :tenant AND kind = 'district') d
    CROSS JOIN LATERAL generate_series(0, 1 + p.n % 3) AS j
    CROSS JOIN LATERAL (SELECT abs(hashint8(p.n * 16 + j)) % 100 AS o) h
) x;

-- step: events
INSERT INTO whistle_events (tenant_id, whistle_id, version, action, actor, state, at, payload)
SELECT :tenant, e.whistle_id, row_number() OVER (PARTITION BY e.whistle_id ORDER BY e.at, e.ord), e.action, e.actor, e.state, e.at, e.payload
FROM (
    SELECT p.id AS whistle_id, 1 AS ord, 'form' AS action, 'bench.history' AS actor, 'formed' AS state, p.created_at AS at, '{}'::jsonb AS payload
    FROM bench_whistle_plan p
    UNION ALL
    SELECT p.id, 2, 'analyse', 'bench.history', 'analysed', p.created_at + interval '5 minutes', '{}' FROM bench_whistle_plan p
    UNION ALL
    SELECT p.id, 3, 'blow', 'bench.history', 'whistled', p.whistled_at, '{}' FROM bench_whistle_plan p
    UNION ALL
    SELECT p.id, 4, CASE WHEN p.state = 'declined' THEN 'decline' ELSE 'accept' END, 'bench.history',
           CASE WHEN p.state = 'declined' THEN 'declined' ELSE 'accepted' END, p.decided_at, '{}'
    FROM bench_whistle_plan p
    UNION ALL
    SELECT s.whistle_id, 5, 'checkIn', 'bench.history', 'onSite', s.check_in_at, jsonb_build_object('department', s.department_id, 'minutesLate', s.minutes_late)
    FROM whistle_summons s JOIN bench_whistle_plan p ON s.tenant_id = :tenant AND s.whistle_id = p.id WHERE s.check_in_at IS NOT NULL
    UNION ALL
    SELECT s.whistle_id, 6, 'red', 'system', 'onSite', s.red_at, jsonb_build_object('department', s.department_id)
    FROM whistle_summons s JOIN bench_whistle_plan p ON s.tenant_id = :tenant AND s.whistle_id = p.id WHERE s.red_at IS NOT NULL
    UNION ALL
    SELECT s.whistle_id, 7, 'release', 'bench.history', 'accepted', s.released_at, jsonb_build_object('department', s.department_id)
    FROM whistle_summons s JOIN bench_whistle_plan p ON s.tenant_id = :tenant AND s.whistle_id = p.id WHERE s.released_at IS NOT NULL
    UNION ALL
    SELECT p.id, 8, 'close', 'bench.history', 'closed', p.closed_at, '{}' FROM bench_whistle_plan p WHERE p.state <> 'declined'
    UNION ALL
    SELECT p.id, 9, 'evaluate', 'bench.history', 'evaluated', p.evaluated_at, '{}' FROM bench_whistle_plan p WHERE p.state IN ('evaluated', 'fedBack')
    UNION ALL
    SELECT p.id, 10, 'feedBack', 'bench.history', 'fedBack', p.fed_back_at, '{}' FROM bench_whistle_plan p WHERE p.state = 'fedBack'
) e;

-- step: versions
UPDATE whistles w SET version = e.version
FROM (SELECT e.whistle_id, max(e.version) AS version FROM whistle_events e JOIN bench_whistle_plan p ON e.tenant_id = :tenant AND e.whistle_id = p.id
      GROUP BY e.whistle_id) e
WHERE w.tenant_id = :tenant AND w.id = e.whistle_id;

-- step: sequence
SELECT setval(pg_get_serial_sequence('whistles', 'id'), (SELECT max(id) FROM whistles));
