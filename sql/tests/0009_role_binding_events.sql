-- Role binding history (0038): a binding's insert keeps a grant dated by its `created_at`, its
-- delete a revoke dated by the transaction; each once per binding; the service role may add an
-- event, never change or delete one. (Row-level security is checked with every tenant table's in 0001.)
BEGIN;
SELECT plan(8);

INSERT INTO tenants (id, code, name, division_code) VALUES (950101, 'RBA', '乙区', '110108');
INSERT INTO org_units (tenant_id, id, parent_id, kind, grid_level, code, name, path, depth)
VALUES (950101, 9501011, NULL, 'district', NULL, 'D1', '区', '9501011.', 0),
       (950101, 9501012, 9501011, 'grid', 1, 'G1', '网格', '9501011.9501012.', 1);
INSERT INTO users (tenant_id, id, login, display_name, password_hash) VALUES (950101, 9501015, 'gw', '网格员', 'x');

INSERT INTO role_bindings (tenant_id, id, user_id, role, scope_org_unit_id, created_at)
VALUES (950101, 9501016, 9501015, 'gridWorker', 9501012, '2026-10-01 08:00+08');
SELECT results_eq(
    $$SELECT action, at, user_id, role, scope_org_unit_id FROM role_binding_events WHERE tenant_id = 950101 ORDER BY id$$,
    $$VALUES ('grant', '2026-10-01 08:00+08'::timestamptz, 9501015::int8, 'gridWorker', 9501012::int8)$$,
    'a grant is kept with the binding''s time');
DELETE FROM role_bindings WHERE tenant_id = 950101 AND id = 9501016;
SELECT results_eq(
    $$SELECT action, at = now() FROM role_binding_events WHERE tenant_id = 950101 AND binding_id = 9501016 ORDER BY id$$,
    $$VALUES ('grant', false), ('revoke', true)$$,
    'a revoke is kept with the time it was made');
DELETE FROM users WHERE tenant_id = 950101 AND id = 9501015;
SELECT is((SELECT count(*)::int FROM role_binding_events WHERE tenant_id = 950101), 2, 'the history outlives the person');
SELECT throws_ok($$INSERT INTO role_binding_events (tenant_id, binding_id, action, at, user_id, role, scope_org_unit_id)
                   VALUES (950101, 9501016, 'revoke', now(), 9501015, 'gridWorker', 9501012)$$,
                 '23505', NULL, 'a binding is revoked once');
SELECT throws_ok($$INSERT INTO role_binding_events (tenant_id, binding_id, action, at, user_id, role, scope_org_unit_id)
                   VALUES (950101, 9501017, 'move', now(), 9501015, 'gridWorker', 9501012)$$,
                 '23514', NULL, 'an event is a grant or a revoke');
SELECT ok(has_table_privilege('gridgov_app', 'role_binding_events', 'INSERT') AND has_table_privilege('gridgov_app', 'role_binding_events', 'SELECT'),
          'the service role adds and reads the history');
SELECT ok(NOT has_table_privilege('gridgov_app', 'role_binding_events', 'UPDATE'), 'the service role cannot change the history');
SELECT ok(NOT has_table_privilege('gridgov_app', 'role_binding_events', 'DELETE'), 'the service role cannot delete the history');

SELECT * FROM finish();
ROLLBACK;
