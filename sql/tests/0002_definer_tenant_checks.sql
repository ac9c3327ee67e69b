-- The SECURITY DEFINER functions that name a district keep to the transaction's district: asked
-- for another inside a district's transaction they refuse, and asked where none is set they set
-- theirs for the rest of the transaction (tenant_by_code sets nothing). Run as the schema owner:
-- a definer function runs as its owner whoever calls it, and the check reads only the
-- transaction's app.tenant_id, so what is shown here is what the service role gets (the Swift
-- DefinerFunctionTests call them as the service role).
BEGIN;
SELECT plan(30);

-- Two districts drawn over the same ground: a grid each, a user with a session, a category and an
-- open case at the same point.
INSERT INTO tenants (id, code, name, division_code) VALUES (900001, 'DEFA', 'A 区', '110108'), (900002, 'DEFB', 'B 区', '110105');
INSERT INTO org_units (tenant_id, id, parent_id, kind, grid_level, code, name, path, depth, geom)
SELECT t, t * 10 + 1, NULL, 'district', NULL, 'D' || t, '区', (t * 10 + 1) || '.', 0, NULL FROM unnest(ARRAY[900001, 900002]::bigint[]) t
UNION ALL
SELECT t, t * 10 + 2, t * 10 + 1, 'grid', 1, 'G' || t, '网格', (t * 10 + 1) || '.' || (t * 10 + 2) || '.', 1,
       ST_Multi(ST_MakeEnvelope(116.30, 39.95, 116.31, 39.96, 4326)) FROM unnest(ARRAY[900001, 900002]::bigint[]) t;
INSERT INTO users (tenant_id, id, login, display_name, password_hash)
SELECT t, t * 10 + 3, 'user' || t, '用户', 'x' FROM unnest(ARRAY[900001, 900002]::bigint[]) t;
INSERT INTO sessions (tenant_id, user_id, token_hash, expires_at)
SELECT t, t * 10 + 3, sha256(convert_to('token' || t, 'UTF8')), now() + interval '1 day' FROM unnest(ARRAY[900001, 900002]::bigint[]) t;
INSERT INTO categories (tenant_id, id, code, name, kind) SELECT t, t * 10 + 4, 'E0101', '私搭乱建', 'event' FROM unnest(ARRAY[900001, 900002]::bigint[]) t;
INSERT INTO cases (tenant_id, id, number, state, source, category_id, description, location, grid_id, grid_path)
SELECT t, t * 10 + 5, 'N' || t, 'reported', 'hotline', t * 10 + 4, '占道', ST_SetSRID(ST_MakePoint(116.305, 39.955), 4326), t * 10 + 2,
       (t * 10 + 1) || '.' || (t * 10 + 2) || '.'
FROM unnest(ARRAY[900001, 900002]::bigint[]) t;

-- Inside district A's transaction.
SELECT set_config('app.tenant_id', '900001', true);

SELECT is((SELECT id FROM locate_grid(900001, 116.305, 39.955)), 9000012::bigint, 'locate_grid answers the transaction''s district');
SELECT throws_ok('SELECT * FROM locate_grid(900002, 116.305, 39.955)', '42501',
                 'locate_grid: tenant 900002 asked inside a transaction of tenant 900001', 'locate_grid refuses another district');
SELECT is((SELECT array_agg(id ORDER BY id) FROM locate_chain(900001, 116.305, 39.955)), ARRAY[9000011, 9000012]::bigint[],
          'locate_chain answers the transaction''s district');
SELECT throws_ok('SELECT * FROM locate_chain(900002, 116.305, 39.955)', '42501',
                 'locate_chain: tenant 900002 asked inside a transaction of tenant 900001', 'locate_chain refuses another district');
SELECT is((SELECT array_agg(id) FROM nearby_open_cases(900001, 9000014, 116.305, 39.955, 100, now() - interval '1 day', 5)),
          ARRAY[9000015]::bigint[], 'nearby_open_cases answers the transaction''s district');
SELECT throws_ok('SELECT * FROM nearby_open_cases(900002, 9000024, 116.305, 39.955, 100, now() - interval ''1 day'', 5)', '42501',
                 'nearby_open_cases: tenant 900002 asked inside a transaction of tenant 900001', 'nearby_open_cases refuses another district');
-- The assessment's candidates (0033): the transaction's own district only.
SELECT is((SELECT array_agg(x) FROM assessment_period_cases(900001, '9000011.', '9000011.~', now() - interval '1 day', now() + interval '1 day') x),
          ARRAY[9000015]::bigint[], 'assessment_period_cases answers the transaction''s district');
SELECT throws_ok($$SELECT * FROM assessment_period_cases(900002, '9000021.', '9000021.~', now() - interval '1 day', now())$$, '42501',
                 'assessment_period_cases: tenant 900002 asked inside a transaction of tenant 900001', 'assessment_period_cases refuses another district');
SELECT is((SELECT count(*) FROM assessment_in_flight_cases(900001, '9000011.', '9000011.~', now() - interval '1 hour')), 0::int8,
          'assessment_in_flight_cases answers the transaction''s district (nothing in flight an hour ago)');
SELECT throws_ok($$SELECT * FROM assessment_in_flight_cases(900002, '9000021.', '9000021.~', now())$$, '42501',
                 'assessment_in_flight_cases: tenant 900002 asked inside a transaction of tenant 900001', 'assessment_in_flight_cases refuses another district');
SELECT is((SELECT user_id FROM session_principal(900001, sha256(convert_to('token900001', 'UTF8')))), 9000013::bigint,
          'session_principal answers the transaction''s district');
SELECT throws_ok('SELECT * FROM session_principal(900002, sha256(convert_to(''token900002'', ''UTF8'')))', '42501',
                 'session_principal: tenant 900002 asked inside a transaction of tenant 900001', 'session_principal refuses another district');
SELECT is((SELECT id FROM tenant_by_code('defa')), 900001::bigint, 'tenant_by_code answers the transaction''s own code');
SELECT throws_ok('SELECT * FROM tenant_by_code(''DEFB'')', '42501',
                 'tenant_by_code: district code DEFB asked inside a transaction of tenant 900001', 'tenant_by_code refuses another district''s code');
SELECT throws_ok('SELECT * FROM tenant_by_code(''NOSUCH'')', '42501',
                 'tenant_by_code: district code NOSUCH asked inside a transaction of tenant 900001',
                 'tenant_by_code refuses an unknown code alike (the refusal does not say which codes exist)');
SELECT is(current_setting('app.tenant_id'), '900001', 'the transaction''s district is unchanged');

-- Where no district is set (the service's calls outside any transaction): the call sets its own.
SELECT set_config('app.tenant_id', '', true);
SELECT is((SELECT id FROM locate_grid(900002, 116.305, 39.955)), 9000022::bigint, 'locate_grid answers when no district is set');
SELECT is(current_setting('app.tenant_id'), '900002', 'and sets its district for the rest of the transaction');
SELECT throws_ok('SELECT * FROM locate_grid(900001, 116.305, 39.955)', '42501',
                 'locate_grid: tenant 900001 asked inside a transaction of tenant 900002', 'so a second call for another district is refused');

SELECT set_config('app.tenant_id', '', true);
SELECT is((SELECT array_agg(id ORDER BY id) FROM locate_chain(900002, 116.305, 39.955)), ARRAY[9000021, 9000022]::bigint[],
          'locate_chain answers when no district is set');
SELECT is(current_setting('app.tenant_id'), '900002', 'and sets its district');

SELECT set_config('app.tenant_id', '', true);
SELECT is((SELECT array_agg(id) FROM nearby_open_cases(900002, 9000024, 116.305, 39.955, 100, now() - interval '1 day', 5)),
          ARRAY[9000025]::bigint[], 'nearby_open_cases answers when no district is set');
SELECT is(current_setting('app.tenant_id'), '900002', 'and sets its district');

SELECT set_config('app.tenant_id', '', true);
SELECT is((SELECT user_id FROM session_principal(900002, sha256(convert_to('token900002', 'UTF8')))), 9000023::bigint,
          'session_principal answers when no district is set');
SELECT is(current_setting('app.tenant_id'), '900002', 'and sets its district');

SELECT set_config('app.tenant_id', '', true);
SELECT is((SELECT id FROM tenant_by_code('DEFB')), 900002::bigint, 'tenant_by_code answers when no district is set');
SELECT is((SELECT count(*)::int FROM tenant_by_code('NOSUCH')), 0, 'and finds nothing for an unknown code');
SELECT is(current_setting('app.tenant_id'), '', 'and sets no district (login and the CLI look a code up before choosing one)');

SELECT is(
    (SELECT array_agg(p.proname ORDER BY p.proname) FROM pg_proc p
     WHERE p.oid IN ('locate_grid(bigint, double precision, double precision)'::regprocedure,
                     'locate_chain(bigint, double precision, double precision)'::regprocedure,
                     'nearby_open_cases(bigint, bigint, double precision, double precision, double precision, timestamptz, integer)'::regprocedure)
       AND 'plan_cache_mode=force_generic_plan' = ANY (p.proconfig)),
    ARRAY['locate_chain', 'locate_grid', 'nearby_open_cases']::name[], 'the spatial lookups keep their generic plans');

SELECT is(
    (SELECT array_agg(p.proname ORDER BY p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND p.prosecdef AND 'p_tenant' = ANY (p.proargnames)
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
       AND p.prosrc NOT LIKE '%app_tenant_id()%'),
    NULL, 'every SECURITY DEFINER function taking a district checks it against the transaction''s');

SELECT * FROM finish();
ROLLBACK;
