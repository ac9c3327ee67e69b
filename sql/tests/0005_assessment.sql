-- The assessment's versions of weights (0027): one in force is history, whoever tries to change it
-- (the trigger holds even against a direct UPDATE or DELETE); the service role may add and replace
-- versions but not delete them. (Row-level security on the table is checked with every tenant
-- table's in 0001.)
BEGIN;
SELECT plan(5);

INSERT INTO tenants (id, code, name, division_code) VALUES (920001, 'ASA', '甲区', '110108'), (920002, 'ASB', '乙区', '110105');
INSERT INTO assessment_schemes (tenant_id, subject, effective_month, effective_at, version, document, created_login) VALUES
    (920001, 'street', '2026-01-01', '2025-12-31 16:00+00', 1, '{"weights": [], "deductions": []}', 'tester'),
    (920001, 'street', '2099-01-01', '2098-12-31 16:00+00', 2, '{"weights": [], "deductions": []}', 'tester'),
    (920002, 'street', '2026-01-01', '2025-12-31 16:00+00', 1, '{"weights": [], "deductions": []}', 'tester');

SELECT throws_ok($$UPDATE assessment_schemes SET document = '{}' WHERE tenant_id = 920001 AND version = 1$$, 'GA001', NULL,
                 'a version in force is not changed');
SELECT throws_ok($$DELETE FROM assessment_schemes WHERE tenant_id = 920001 AND version = 1$$, 'GA001', NULL, 'nor deleted');
SELECT lives_ok($$UPDATE assessment_schemes SET note = '修订' WHERE tenant_id = 920001 AND version = 2$$, 'a version to come may be replaced');
SELECT throws_ok($$INSERT INTO assessment_schemes (tenant_id, subject, effective_month, effective_at, version, document, created_login)
                   VALUES (920001, 'street', '2026-02-15', '2026-02-14 16:00+00', 3, '{}', 'tester')$$, '23514', NULL,
                 'a version takes effect on a month''s first day');
SELECT ok(NOT has_table_privilege('gridgov_app', 'assessment_schemes', 'DELETE'), 'the service role cannot delete versions');

SELECT * FROM finish();
ROLLBACK;
