-- A year of case history for the cases benchmark (issue 4), generated set-based as the schema owner.
--
-- Run by CaseHistory.swift, one statement per step (a line `-- step: <name>` starts each), on each of
-- several connections at once, after it made the temporary table bench_params (tenant bigint, cases
-- int, code text, part int, parts int, base_id bigint, first_day timestamp): the district, how many
-- cases in all, its code, which share of them this connection writes (i % parts = part), the id
-- before the first and the local midnight the year starts at. Every case follows one path of the workflow table
-- (report → file → dispatch → sign → reportHandled → requestCheck → passCheck → close → evaluate,
-- or a side path: verification, invalid, not filed, voided, merged, self-handled, returned,
-- extended, suspended, rework) as far as its age makes likely: old cases are finished, the last
-- days' are spread over the open states. Reports come in daytime hours of the 365 local days
-- before today, at random points of random unit grids, with a random item of the problem list
-- and the lead department its duty row names. Each case gets one event per version, hash-chained
-- with case_event_hash exactly as the service chains them (so `gridgov cases verify-history`
-- passes), its lead task once dispatched, and case_numbers is left at each day's last number.

-- step: steps
CREATE TEMP TABLE bench_steps AS
SELECT path, k, action, to_state, actor
FROM (VALUES
    ('main', 1, 'report', 'reported', 'reporter'), ('main', 2, 'file', 'filed', 'dispatcher'),
    ('main', 3, 'dispatch', 'dispatched', 'dispatcher'), ('main', 4, 'sign', 'handling', 'liaison'),
    ('main', 5, 'reportHandled', 'handled', 'liaison'), ('main', 6, 'requestCheck', 'checking', 'dispatcher'),
    ('main', 7, 'passCheck', 'checkPassed', 'gridworker'), ('main', 8, 'close', 'closed', 'leader'),
    ('main', 9, 'evaluate', 'evaluated', 'dispatcher'),

    ('verify', 1, 'report', 'reported', 'reporter'), ('verify', 2, 'requestVerify', 'verifying', 'dispatcher'),
    ('verify', 3, 'confirm', 'verified', 'gridworker'), ('verify', 4, 'file', 'filed', 'dispatcher'),
    ('verify', 5, 'dispatch', 'dispatched', 'dispatcher'), ('verify', 6, 'sign', 'handling', 'liaison'),
    ('verify', 7, 'reportHandled', 'handled', 'liaison'), ('verify', 8, 'requestCheck', 'checking', 'dispatcher'),
    ('verify', 9, 'passCheck', 'checkPassed', 'gridworker'), ('verify', 10, 'close', 'closed', 'leader'),
    ('verify', 11, 'evaluate', 'evaluated', 'dispatcher'),

    ('invalid', 1, 'report', 'reported', 'reporter'), ('invalid', 2, 'requestVerify', 'verifying', 'dispatcher'),
    ('invalid', 3, 'markInvalid', 'invalid', 'gridworker'),

    ('notFiled', 1, 'report', 'reported', 'reporter'), ('notFiled', 2, 'notFile', 'notFiled', 'dispatcher'),

    ('voided', 1, 'report', 'reported', 'reporter'), ('voided', 2, 'void', 'voided', 'leader'),

    ('merged', 1, 'report', 'reported', 'reporter'), ('merged', 2, 'merge', 'merged', 'dispatcher'),

    ('self', 1, 'report', 'reported', 'reporter'), ('self', 2, 'selfHandle', 'selfHandled', 'gridworker'),
    ('self', 3, 'close', 'closed', 'leader'), ('self', 4, 'evaluate', 'evaluated', 'dispatcher'),

    ('returned', 1, 'report', 'reported', 'reporter'), ('returned', 2, 'file', 'filed', 'dispatcher'),
    ('returned', 3, 'dispatch', 'dispatched', 'dispatcher'), ('returned', 4, 'return', 'returned', 'liaison'),
    ('returned', 5, 'dispatch', 'dispatched', 'dispatcher'), ('returned', 6, 'sign', 'handling', 'liaison'),
    ('returned', 7, 'reportHandled', 'handled', 'liaison'), ('returned', 8, 'requestCheck', 'checking', 'dispatcher'),
    ('returned', 9, 'passCheck', 'checkPassed', 'gridworker'), ('returned', 10, 'close', 'closed', 'leader'),
    ('returned', 11, 'evaluate', 'evaluated', 'dispatcher'),

    ('extended', 1, 'report', 'reported', 'reporter'), ('extended', 2, 'file', 'filed', 'dispatcher'),
    ('extended', 3, 'dispatch', 'dispatched', 'dispatcher'), ('extended', 4, 'sign', 'handling', 'liaison'),
    ('extended', 5, 'requestExtension', 'extensionRequested', 'liaison'), ('extended', 6, 'approveExtension', 'handling', 'dispatcher'),
    ('extended', 7, 'reportHandled', 'handled', 'liaison'), ('extended', 8, 'requestCheck', 'checking', 'dispatcher'),
    ('extended', 9, 'passCheck', 'checkPassed', 'gridworker'), ('extended', 10, 'close', 'closed', 'leader'),
    ('extended', 11, 'evaluate', 'evaluated', 'dispatcher'),

    ('suspended', 1, 'report', 'reported', 'reporter'), ('suspended', 2, 'file', 'filed', 'dispatcher'),
    ('suspended', 3, 'dispatch', 'dispatched', 'dispatcher'), ('suspended', 4, 'sign', 'handling', 'liaison'),
    ('suspended', 5, 'requestSuspension', 'suspensionRequested', 'liaison'), ('suspended', 6, 'approveSuspension', 'suspended', 'dispatcher'),
    ('suspended', 7, 'resume', 'handling', 'dispatcher'), ('suspended', 8, 'reportHandled', 'handled', 'liaison'),
    ('suspended', 9, 'requestCheck', 'checking', 'dispatcher'), ('suspended', 10, 'passCheck', 'checkPassed', 'gridworker'),
    ('suspended', 11, 'close', 'closed', 'leader'), ('suspended', 12, 'evaluate', 'evaluated', 'dispatcher'),

    ('rework', 1, 'report', 'reported', 'reporter'), ('rework', 2, 'file', 'filed', 'dispatcher'),
    ('rework', 3, 'dispatch', 'dispatched', 'dispatcher'), ('rework', 4, 'sign', 'handling', 'liaison'),
    ('rework', 5, 'reportHandled', 'handled', 'liaison'), ('rework', 6, 'requestCheck', 'checking', 'dispatcher'),
    ('rework', 7, 'failCheck', 'handling', 'gridworker'), ('rework', 8, 'reportHandled', 'handled', 'liaison'),
    ('rework', 9, 'requestCheck', 'checking', 'dispatcher'), ('rework', 10, 'passCheck', 'checkPassed', 'gridworker'),
    ('rework', 11, 'close', 'closed', 'leader'), ('rework', 12, 'evaluate', 'evaluated', 'dispatcher')
) v(path, k, action, to_state, actor);

-- step: path shares
-- How often each path is taken: [lo, hi) of a uniform draw, the path's length, whether it ends with evaluate.
CREATE TEMP TABLE bench_paths AS
WITH shares(path, share) AS (VALUES
    ('main', 0.62), ('verify', 0.08), ('invalid', 0.03), ('notFiled', 0.03), ('voided', 0.01), ('merged', 0.02), ('self', 0.08),
    ('returned', 0.04), ('extended', 0.04), ('suspended', 0.02), ('rework', 0.03))
SELECT s.path, sum(s.share) OVER (ORDER BY s.path) - s.share AS lo,
       CASE WHEN row_number() OVER (ORDER BY s.path DESC) = 1 THEN 2 ELSE sum(s.share) OVER (ORDER BY s.path) END AS hi,
       (SELECT max(k) FROM bench_steps t WHERE t.path = s.path) AS len,
       EXISTS (SELECT 1 FROM bench_steps t WHERE t.path = s.path AND t.action = 'evaluate') AS ends_evaluated
FROM shares s;

-- step: marks
-- For each path and version: the state, and at which step the stamps the case row keeps were last set.
CREATE TEMP TABLE bench_marks AS
SELECT v.path, v.k AS version,
       (array_agg(s.to_state ORDER BY s.k DESC))[1] AS state,
       max(s.k) FILTER (WHERE s.action = 'file') AS file_k,
       max(s.k) FILTER (WHERE s.action = 'dispatch') AS dispatch_k,
       max(s.k) FILTER (WHERE s.action = 'sign') AS sign_k,
       CASE WHEN max(s.k) FILTER (WHERE s.action IN ('reportHandled', 'selfHandle')) > coalesce(max(s.k) FILTER (WHERE s.action = 'failCheck'), 0)
            THEN max(s.k) FILTER (WHERE s.action IN ('reportHandled', 'selfHandle')) END AS handled_k,
       CASE WHEN max(s.k) FILTER (WHERE s.action = 'requestCheck') > coalesce(max(s.k) FILTER (WHERE s.action = 'failCheck'), 0)
            THEN max(s.k) FILTER (WHERE s.action = 'requestCheck') END AS check_k,
       max(s.k) FILTER (WHERE s.action = 'close') AS close_k,
       max(s.k) FILTER (WHERE s.action = 'approveSuspension') AS suspend_k,
       -- The last step that changed the facts the assessment counts (cases.facts_at, migration 0028).
       max(s.k) FILTER (WHERE s.action IN ('file', 'notFile', 'markInvalid', 'void', 'merge', 'dispatch', 'approveExtension', 'approveSuspension',
                                           'resume', 'reportHandled', 'selfHandle', 'handleLocally', 'failCheck', 'close', 'reopen')) AS facts_k,
       count(*) FILTER (WHERE s.action = 'return')::int AS returns,
       count(*) FILTER (WHERE s.action = 'failCheck')::int AS reworks,
       count(*) FILTER (WHERE s.action = 'approveExtension')::int AS extensions
FROM (SELECT DISTINCT path, k FROM bench_steps) v
JOIN bench_steps s ON s.path = v.path AND s.k <= v.k
GROUP BY v.path, v.k;

-- step: grids
CREATE TEMP TABLE bench_grids AS
SELECT row_number() OVER (ORDER BY u.id) AS n, u.id, u.path::text AS path, u.geom
FROM org_units u, bench_params p
WHERE u.tenant_id = p.tenant AND u.kind = 'grid'
  AND u.grid_level = (SELECT max(x.grid_level) FROM org_units x WHERE x.tenant_id = p.tenant AND x.kind = 'grid');

-- step: items
-- The items of the problem list (nodes with grades), their first grade and the department of the
-- most specific district-wide duty row covering them (the city management committee when none).
CREATE TEMP TABLE bench_items AS
SELECT row_number() OVER (ORDER BY c.code) AS n, c.id, c.code, c.name, c.grades -> 0 ->> 'key' AS grade,
       coalesce((SELECT d.department_id
                 FROM duties d JOIN categories dc ON dc.tenant_id = d.tenant_id AND dc.id = d.category_id
                 JOIN org_units a ON a.tenant_id = d.tenant_id AND a.id = d.org_unit_id AND a.parent_id IS NULL
                 WHERE d.tenant_id = p.tenant AND c.code LIKE dc.code || '%'
                 ORDER BY length(dc.code) DESC LIMIT 1),
                (SELECT x.id FROM departments x WHERE x.tenant_id = p.tenant AND x.code = 'CGW')) AS lead
FROM categories c, bench_params p
WHERE c.tenant_id = p.tenant AND c.grades <> '[]'::jsonb;

-- step: actors
-- The demo district's people who act in the history.
CREATE TEMP TABLE bench_actors AS
SELECT max(u.id) FILTER (WHERE u.login = 'gridworker') AS gridworker, max(u.id) FILTER (WHERE u.login = 'dispatcher') AS dispatcher,
       max(u.id) FILTER (WHERE u.login = 'shift.leader') AS leader, max(u.id) FILTER (WHERE u.login = 'liaison.cgw') AS liaison,
       (SELECT r.number FROM rule_sets r WHERE r.tenant_id = p.tenant AND r.status = 'published' ORDER BY r.number DESC LIMIT 1) AS rule_set
FROM users u, bench_params p
WHERE u.tenant_id = p.tenant
GROUP BY p.tenant;

-- step: analyse lists
ANALYZE bench_params, bench_steps, bench_paths, bench_marks, bench_grids, bench_items, bench_actors;

-- step: plan
-- One row per case: its id, number, path and version, where and what, and the time between its steps.
CREATE TEMP TABLE bench_plan AS
WITH prm AS (
    SELECT p.*, ceil(p.cases / 365.0)::int AS per_day, (SELECT count(*) FROM bench_grids) AS grids, (SELECT count(*) FROM bench_items) AS items
    FROM bench_params p
), base AS (
    SELECT g.i, prm.base_id + g.i + 1 AS id, g.i / prm.per_day AS d, g.i % prm.per_day AS within, prm.per_day, prm.first_day, prm.code,
           prm.grids, prm.items,
           random() AS r_path, random() AS r_done, random() AS r_v, random() AS r_closed, random() AS r_grid, random() AS r_item,
           random() AS r_src, random() AS r_t, random() AS r_lim, random() AS r_rate, random() AS r_jitter
    FROM prm, generate_series(prm.part, prm.cases - 1, prm.parts) g(i)
), timed AS (
    -- Reports between 06:00 and 22:00 local time, in id order.
    SELECT b.*, ((b.first_day + make_interval(days => b.d::int, hours => 6)
                  + make_interval(secs => (b.within + 0.9 * b.r_jitter) * 16 * 3600.0 / b.per_day)) AT TIME ZONE 'Asia/Shanghai') AS reported_at,
           (b.first_day::date + b.d::int) AS day
    FROM base b
), aged AS (
    SELECT t.*, extract(epoch FROM now() - t.reported_at) / 86400.0 AS age, pa.path, pa.len, pa.ends_evaluated
    FROM timed t JOIN bench_paths pa ON t.r_path >= pa.lo AND t.r_path < pa.hi
), versioned AS (
    -- Finished with a probability that grows with age (half-life of a few days, 0.5 % stay open
    -- for good); a finished case that ends in an evaluation may still wait for it (closed).
    SELECT a.*,
           CASE WHEN a.r_done < (1 - exp(-a.age / 2.5)) * 0.995
                THEN CASE WHEN a.ends_evaluated AND a.r_closed < 0.02 + 0.8 * exp(-a.age / 2) THEN a.len - 1 ELSE a.len END
                ELSE 1 + floor(a.r_v * (CASE WHEN a.ends_evaluated THEN a.len - 2 ELSE a.len - 1 END))::int
           END AS version
    FROM aged a
)
SELECT v.i, v.id, v.code || '-' || to_char(v.day, 'YYYYMMDD') || '-' || lpad((v.within + 1)::text, 6, '0') AS number, v.day, v.within + 1 AS day_seq,
       v.path, v.version, m.state, m.file_k, m.dispatch_k, m.sign_k, m.handled_k, m.check_k, m.close_k, m.suspend_k, m.facts_k, m.returns, m.reworks, m.extensions,
       v.reported_at,
       -- Seconds between steps: the path takes 0.2–5.2 days, squeezed into the case's age when it is still open.
       least((0.2 + 5 * v.r_t * v.r_t) * 86400.0 / (v.len - 1), v.age * 86400.0 * 0.9 / greatest(v.version - 1, 1)) AS step,
       CASE WHEN v.path = 'self' OR v.r_src < 0.55 THEN 'gridWorker' WHEN v.r_src < 0.85 THEN 'hotline' WHEN v.r_src < 0.92 THEN 'resident'
            WHEN v.r_src < 0.96 THEN 'camera' WHEN v.r_src < 0.98 THEN 'department' ELSE 'leader' END AS source,
       g.id AS grid_id, g.path AS grid_path, ST_GeometryN(ST_GeneratePoints(g.geom, 1), 1) AS location,
       it.id AS category_id, it.code AS category_code, it.name AS category_name, it.grade, it.lead,
       (1 + floor(v.r_lim * 5))::int AS limit_days,
       CASE WHEN v.r_rate < 0.85 THEN 'satisfied' WHEN v.r_rate < 0.95 THEN 'basicallySatisfied' ELSE 'dissatisfied' END AS rating,
       v.r_rate
FROM versioned v
JOIN bench_marks m ON m.path = v.path AND m.version = v.version
JOIN bench_grids g ON g.n = 1 + floor(v.r_grid * v.grids)::int
JOIN bench_items it ON it.n = 1 + floor(v.r_item * v.items)::int;

-- step: analyse plan
ANALYZE bench_plan;

-- step: cases
INSERT INTO cases (tenant_id, id, number, state, version, source, category_id, grade, description, address, location, grid_id, grid_path,
                   reporter_name, reporter_phone, reported_by, level, lead_department_id, rule_set_number, rule_key, routing_basis, routing,
                   route_overridden, dispatch_due, sign_due, handle_due, check_due, suspended_at, merged_into, rating, return_count, rework_count,
                   extension_count, reported_at, filed_at, dispatched_at, handled_at, closed_at, updated_at, facts_at, warn_at, red_at, light)
SELECT prm.tenant, x.id, x.number, x.state, x.version, x.source, x.category_id, x.grade,
       x.category_name || '：' || (ARRAY['沿街发现，请尽快处理', '群众反映多次', '巡查发现', '影响居民出行', '存在安全隐患'])[1 + x.i % 5],
       CASE WHEN x.i % 3 = 0 THEN NULL ELSE (ARRAY['学院路', '中关村大街', '成府路', '北四环西路', '知春路', '万泉河路'])[1 + x.i % 6] || (1 + x.i % 299) || '号' END,
       x.location, x.grid_id, x.grid_path,
       CASE WHEN x.source IN ('hotline', 'resident') THEN (ARRAY['张先生', '李女士', '王先生', '赵女士', '刘先生'])[1 + x.i % 5] END,
       CASE WHEN x.source IN ('hotline', 'resident') THEN '1' || lpad(((x.i::bigint * 7919) % 10000000000)::text, 10, '0') END,
       CASE x.source WHEN 'gridWorker' THEN a.gridworker WHEN 'hotline' THEN a.dispatcher WHEN 'department' THEN a.liaison END,
       CASE WHEN x.file_k IS NOT NULL THEN 'district' END,
       CASE WHEN x.file_k IS NOT NULL THEN x.lead END,
       CASE WHEN x.file_k IS NOT NULL THEN a.rule_set END,
       NULL,
       CASE WHEN x.file_k IS NOT NULL THEN 'duty' END,
       CASE WHEN x.file_k IS NOT NULL THEN jsonb_build_object('assisting', '[]'::jsonb, 'whistle', false) END,
       false,
       x.reported_at + interval '2 hours',
       x.dispatched_at + interval '30 minutes',
       x.handle_due,
       CASE WHEN x.check_k IS NOT NULL THEN x.reported_at + make_interval(secs => (x.check_k - 1) * x.step) + interval '4 hours' END,
       CASE WHEN x.state = 'suspended' THEN x.reported_at + make_interval(secs => (x.suspend_k - 1) * x.step) END,
       CASE WHEN x.state = 'merged' AND x.i >= prm.parts THEN x.id - prm.parts END,
       CASE WHEN x.state = 'evaluated' THEN x.rating END,
       x.returns, x.reworks, x.extensions,
       x.reported_at,
       x.reported_at + make_interval(secs => (x.file_k - 1) * x.step),
       x.dispatched_at,
       x.reported_at + make_interval(secs => (x.handled_k - 1) * x.step),
       x.reported_at + make_interval(secs => (x.close_k - 1) * x.step),
       x.reported_at + make_interval(secs => (x.version - 1) * x.step),
       x.reported_at + make_interval(secs => (coalesce(x.facts_k, 1) - 1) * x.step),
       x.dispatched_at + (x.handle_due - x.dispatched_at) * 0.75,
       x.handle_due,
       CASE WHEN x.handle_due IS NULL THEN 'green'
            WHEN x.state IN ('dispatched', 'handling', 'extensionRequested', 'suspensionRequested')
                 THEN CASE WHEN x.handle_due <= now() THEN 'red'
                           WHEN x.dispatched_at + (x.handle_due - x.dispatched_at) * 0.75 <= now() THEN 'yellow' ELSE 'green' END
            WHEN x.handled_at IS NOT NULL AND x.handled_at > x.handle_due THEN 'red'
            ELSE 'green' END
FROM bench_params prm, bench_actors a,
     LATERAL (SELECT p.*, d.dispatched_at,
                     d.dispatched_at + make_interval(days => p.limit_days + 3 * p.extensions) AS handle_due,
                     p.reported_at + make_interval(secs => (p.handled_k - 1) * p.step) AS handled_at
              FROM bench_plan p,
                   LATERAL (SELECT p.reported_at + make_interval(secs => (p.dispatch_k - 1) * p.step) AS dispatched_at) d) x
ORDER BY x.id;

-- step: case numbers
INSERT INTO case_numbers (tenant_id, day, last)
SELECT prm.tenant, p.day, max(p.day_seq)
FROM bench_plan p, bench_params prm
GROUP BY prm.tenant, p.day
ORDER BY p.day
ON CONFLICT (tenant_id, day) DO UPDATE SET last = greatest(case_numbers.last, EXCLUDED.last);

-- step: events
-- One statement per sequence number (see CaseHistory.swift: the step runs with $1 = 1, 2, …): an
-- event's hash chains to its predecessor's, read back from the table. The payloads have the shape
-- the service writes (the intake for the report, the action input for the rest).
INSERT INTO case_events (tenant_id, case_id, seq, at, actor_id, actor, role, action, from_state, to_state, payload, hash)
SELECT prm.tenant, e.case_id, e.seq, e.at, e.actor_id, e.actor, e.role, e.action, e.from_state, e.to_state, e.payload,
       case_event_hash(prev.hash, prm.tenant, e.case_id, e.seq, e.at, e.actor_id, e.actor, e.role, e.action, e.from_state, e.to_state, e.payload)
FROM bench_params prm
CROSS JOIN LATERAL (
    SELECT p.id AS case_id, s.k::bigint AS seq, date_trunc('microseconds', p.reported_at + make_interval(secs => (s.k - 1) * p.step)) AS at,
           CASE s.actor
               WHEN 'reporter' THEN CASE p.source WHEN 'gridWorker' THEN a.gridworker WHEN 'hotline' THEN a.dispatcher WHEN 'department' THEN a.liaison END
               WHEN 'dispatcher' THEN a.dispatcher WHEN 'leader' THEN a.leader WHEN 'liaison' THEN a.liaison ELSE a.gridworker END AS actor_id,
           CASE s.actor
               WHEN 'reporter' THEN CASE p.source WHEN 'gridWorker' THEN 'gridworker' WHEN 'hotline' THEN 'dispatcher' WHEN 'department' THEN 'liaison.cgw'
                                                  ELSE 'open311' END
               WHEN 'dispatcher' THEN 'dispatcher' WHEN 'leader' THEN 'shift.leader' WHEN 'liaison' THEN 'liaison.cgw' ELSE 'gridworker' END AS actor,
           CASE s.actor
               WHEN 'reporter' THEN CASE p.source WHEN 'gridWorker' THEN 'gridWorker' WHEN 'hotline' THEN 'dispatcher' WHEN 'department' THEN 'departmentLiaison' END
               WHEN 'dispatcher' THEN 'dispatcher' WHEN 'leader' THEN 'shiftLeader' WHEN 'liaison' THEN 'departmentLiaison' ELSE 'gridWorker' END AS role,
           s.action, prevstep.to_state AS from_state, s.to_state,
           CASE s.action
               WHEN 'report' THEN jsonb_build_object('category', p.category_code, 'description', c.description, 'lat', ST_Y(p.location),
                                                     'lng', ST_X(p.location), 'source', p.source)
                                  || CASE WHEN c.address IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('address', c.address) END
               WHEN 'reportHandled' THEN '{"note": "已按标准处置完毕，现场已恢复"}'::jsonb
               WHEN 'selfHandle' THEN '{"note": "网格员现场自行处置"}'::jsonb
               WHEN 'markInvalid' THEN '{"reason": "现场核实无此问题"}'::jsonb
               WHEN 'notFile' THEN '{"reason": "不属于受理范围"}'::jsonb
               WHEN 'void' THEN '{"reason": "重复录入"}'::jsonb
               WHEN 'return' THEN '{"reason": "不属于本部门职责"}'::jsonb
               WHEN 'failCheck' THEN '{"reason": "处置不到位，需返工"}'::jsonb
               -- The round's deadline, four hours after the request (cases.check_due), as the service records it.
               WHEN 'requestCheck' THEN jsonb_build_object('checkDue', to_char(
                   date_trunc('microseconds', p.reported_at + make_interval(secs => (s.k - 1) * p.step)) AT TIME ZONE 'UTC' + interval '4 hours',
                   'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
               WHEN 'requestExtension' THEN '{"reason": "需协调多部门", "extensionLimit": {"amount": 3, "unit": "workDays"}}'::jsonb
               WHEN 'requestSuspension' THEN '{"reason": "涉及拆迁，暂无法处置"}'::jsonb
               WHEN 'merge' THEN jsonb_build_object('mergeInto', p.id - prm.parts)
               WHEN 'evaluate' THEN jsonb_build_object('rating', c.rating)
               ELSE '{}'::jsonb END AS payload
    FROM bench_plan p
    JOIN cases c ON c.tenant_id = prm.tenant AND c.id = p.id
    JOIN bench_steps s ON s.path = p.path AND s.k = $1
    LEFT JOIN bench_steps prevstep ON prevstep.path = p.path AND prevstep.k = s.k - 1
    CROSS JOIN bench_actors a
    WHERE p.version >= $1
) e
LEFT JOIN case_events prev ON prev.tenant_id = prm.tenant AND prev.case_id = e.case_id AND prev.seq = e.seq - 1;

-- step: tasks
INSERT INTO case_tasks (tenant_id, case_id, department_id, lead, state, dispatched_at, signed_at, handled_at)
SELECT c.tenant_id, c.id, c.lead_department_id, true,
       CASE WHEN c.state IN ('dispatched') THEN 'dispatched' WHEN c.state = 'returned' THEN 'returned'
            WHEN c.state IN ('handling', 'extensionRequested', 'suspensionRequested', 'suspended') THEN 'signed' ELSE 'handled' END,
       c.dispatched_at,
       CASE WHEN p.sign_k IS NOT NULL AND c.state NOT IN ('dispatched', 'returned') THEN p.reported_at + make_interval(secs => (p.sign_k - 1) * p.step) END,
       c.handled_at
FROM bench_plan p JOIN bench_params prm ON true
JOIN cases c ON c.tenant_id = prm.tenant AND c.id = p.id
WHERE c.dispatched_at IS NOT NULL
ORDER BY c.id;

-- step: checks
-- Each check round (case_checks, 0035): a requestCheck, its deadline four hours later (as in its
-- event and the case row; about half the checks come later), ended by the pass or fail that
-- follows it on every path.
INSERT INTO case_checks (tenant_id, case_id, seq, grid_path, reporter_id, requested_at, due_at, done_at, done_by, passed)
SELECT r.tenant_id, r.case_id, r.seq, c.grid_path, CASE WHEN c.source = 'gridWorker' THEN c.reported_by END, r.at, r.at + interval '4 hours',
       d.at, d.actor_id, d.action = 'passCheck'
FROM bench_plan p JOIN bench_params prm ON true
JOIN cases c ON c.tenant_id = prm.tenant AND c.id = p.id
JOIN case_events r ON r.tenant_id = prm.tenant AND r.case_id = p.id AND r.action = 'requestCheck'
LEFT JOIN case_events d ON d.tenant_id = prm.tenant AND d.case_id = p.id AND d.seq = r.seq + 1 AND d.action IN ('passCheck', 'failCheck')
ORDER BY r.case_id, r.seq;
