-- Patrols (0037): a check-in is kept as it came (the service role may add one, never change or
-- delete one), once per key and person, with a real latitude; a grid-day counts at least one
-- check-in and ends no earlier than it began; a month's count is named by its first day and
-- holds at most 31 days. (Row-level security on both tables is checked with
-- every tenant table's in 0001.)
BEGIN;
SELECT plan(10);

INSERT INTO tenants (id, code, name, division_code) VALUES (950001, 'PTA', '甲区', '110108');
INSERT INTO org_units (tenant_id, id, parent_id, kind, grid_level, code, name, path, depth)
VALUES (950001, 9500011, NULL, 'district', NULL, 'D1', '区', '9500011.', 0),
       (950001, 9500012, 9500011, 'grid', 1, 'G1', '网格', '9500011.9500012.', 1);
INSERT INTO users (tenant_id, id, login, display_name, password_hash) VALUES (950001, 9500015, 'gw', '网格员', 'x');

SELECT lives_ok($$INSERT INTO patrol_checkins (tenant_id, user_id, grid_id, grid_path, day, at, lat, lng, client_key)
                  VALUES (950001, 9500015, 9500012, '9500011.9500012.', '2026-11-02', '2026-11-02 09:00+08', 39.9, 116.3, 'k1')$$,
                'a check-in is kept');
SELECT throws_ok($$INSERT INTO patrol_checkins (tenant_id, user_id, grid_id, grid_path, day, at, lat, lng, client_key)
                   VALUES (950001, 9500015, 9500012, '9500011.9500012.', '2026-11-02', '2026-11-02 09:05+08', 39.9, 116.3, 'k1')$$,
                 '23505', NULL, 'a person''s key is used once');
SELECT throws_ok($$INSERT INTO patrol_checkins (tenant_id, user_id, grid_id, grid_path, day, at, lat, lng)
                   VALUES (950001, 9500015, 9500012, '9500011.9500012.', '2026-11-02', '2026-11-02 09:05+08', 91, 116.3)$$,
                 '23514', NULL, 'no latitude beyond the pole');
SELECT throws_ok($$INSERT INTO patrol_days (tenant_id, day, grid_id, user_id, grid_path, first_at, last_at, checkins)
                   VALUES (950001, '2026-11-02', 9500012, 9500015, '9500011.9500012.', '2026-11-02 09:00+08', '2026-11-02 08:00+08', 1)$$,
                 '23514', NULL, 'a grid-day ends no earlier than it began');
SELECT throws_ok($$INSERT INTO patrol_days (tenant_id, day, grid_id, user_id, grid_path, first_at, last_at, checkins)
                   VALUES (950001, '2026-11-02', 9500012, 9500015, '9500011.9500012.', '2026-11-02 09:00+08', '2026-11-02 09:00+08', 0)$$,
                 '23514', NULL, 'a grid-day counts at least one check-in');
SELECT throws_ok($$INSERT INTO patrol_grid_months (tenant_id, month, grid_id, grid_path, days)
                   VALUES (950001, '2026-11-02', 9500012, '9500011.9500012.', 1)$$,
                 '23514', NULL, 'a month is named by its first day');
SELECT throws_ok($$INSERT INTO patrol_person_months (tenant_id, month, grid_id, user_id, grid_path, days)
                   VALUES (950001, '2026-11-01', 9500012, 9500015, '9500011.9500012.', 32)$$,
                 '23514', NULL, 'a month has at most 31 grid-days of a grid');
SELECT ok(has_table_privilege('gridgov_app', 'patrol_checkins', 'INSERT'), 'the service role adds check-ins');
SELECT ok(NOT has_table_privilege('gridgov_app', 'patrol_checkins', 'UPDATE') AND NOT has_table_privilege('gridgov_app', 'patrol_checkins', 'DELETE'),
          'the service role cannot change or delete a check-in');
SELECT ok(NOT has_table_privilege('gridgov_app', 'patrol_days', 'DELETE'), 'the service role cannot delete a grid-day');

SELECT * FROM finish();
ROLLBACK;
