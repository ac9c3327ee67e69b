-- A case's check rounds (0035): at most one open at a time, none done before it was asked for or
-- done without saying how, and the service role may open and end rounds but not delete them.
-- (Row-level security on the table is checked with every tenant table's in 0001.)
BEGIN;
SELECT plan(6);

INSERT INTO tenants (id, code, name, division_code) VALUES (940001, 'CKA', '甲区', '110108');
INSERT INTO org_units (tenant_id, id, parent_id, kind, grid_level, code, name, path, depth)
VALUES (940001, 9400011, NULL, 'district', NULL, 'D1', '区', '9400011.', 0),
       (940001, 9400012, 9400011, 'grid', 1, 'G1', '网格', '9400011.9400012.', 1);
INSERT INTO cases (tenant_id, id, number, state, source, description, location, grid_id, grid_path)
VALUES (940001, 9400015, 'N1', 'checking', 'hotline', '井盖缺失', ST_SetSRID(ST_MakePoint(116.305, 39.955), 4326), 9400012, '9400011.9400012.');

SELECT lives_ok($$INSERT INTO case_checks (tenant_id, case_id, seq, grid_path, requested_at, due_at)
                  VALUES (940001, 9400015, 6, '9400011.9400012.', '2026-11-02 09:00+08', '2026-11-03 17:30+08')$$, 'a round opens');
SELECT throws_ok($$INSERT INTO case_checks (tenant_id, case_id, seq, grid_path, requested_at, due_at)
                   VALUES (940001, 9400015, 9, '9400011.9400012.', '2026-11-05 09:00+08', '2026-11-06 17:30+08')$$, '23505', NULL,
                 'a second round does not open while one is');
SELECT throws_ok($$UPDATE case_checks SET done_at = '2026-11-01 09:00+08', passed = true WHERE case_id = 9400015$$, '23514', NULL,
                 'a round is not done before it was asked for');
SELECT throws_ok($$UPDATE case_checks SET done_at = '2026-11-03 09:00+08' WHERE case_id = 9400015$$, '23514', NULL,
                 'a round done says whether it passed');
SELECT lives_ok($$UPDATE case_checks SET done_at = '2026-11-03 09:00+08', passed = false WHERE case_id = 9400015;
                  INSERT INTO case_checks (tenant_id, case_id, seq, grid_path, requested_at, due_at)
                  VALUES (940001, 9400015, 9, '9400011.9400012.', '2026-11-05 09:00+08', '2026-11-06 17:30+08')$$,
                'once it is done (failed), the rework is checked in a round of its own');
SELECT ok(NOT has_table_privilege('gridgov_app', 'case_checks', 'DELETE'), 'the service role cannot delete rounds');

SELECT * FROM finish();
ROLLBACK;
