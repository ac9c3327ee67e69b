-- The job claim is the one call that reads across districts, so the database bounds it: never
-- from inside a district's transaction, at most 1,000 jobs, a lease of one second to one hour;
-- and it claims only the lane asked for, so escalations never queue behind webhook deliveries.
BEGIN;
SELECT plan(7);

INSERT INTO tenants (id, code, name, division_code) VALUES (900101, 'JOBA', 'A 区', '110108'), (900102, 'JOBB', 'B 区', '110105');
SELECT set_config('app.tenant_id', '900101', true);
INSERT INTO jobs (tenant_id, kind, run_at) VALUES (900101, 'caseYellow', now() - interval '1 minute'), (900101, 'webhook', now() - interval '1 minute');
SELECT set_config('app.tenant_id', '900102', true);
INSERT INTO jobs (tenant_id, kind, run_at) VALUES (900102, 'caseRed', now() - interval '1 minute'), (900102, 'webhook', now() - interval '1 minute');

SELECT throws_ok($$SELECT * FROM claim_jobs(now(), 10, interval '60 seconds', ARRAY['caseYellow', 'caseRed'])$$,
                 '42501', NULL, 'a district''s transaction cannot claim every district''s jobs');
SELECT set_config('app.tenant_id', '', true);
SELECT throws_ok($$SELECT * FROM claim_jobs(now(), 100000, interval '60 seconds', ARRAY['webhook'])$$,
                 '22023', NULL, 'no more than 1,000 jobs at once');
SELECT throws_ok($$SELECT * FROM claim_jobs(now(), 10, interval '10 years', ARRAY['webhook'])$$,
                 '22023', NULL, 'no lease that would lock jobs away for years');
SELECT throws_ok($$SELECT * FROM claim_jobs(now(), 10, interval '60 seconds', ARRAY[]::text[])$$,
                 '22023', NULL, 'a lane must be named');
SELECT is((SELECT array_agg(kind ORDER BY kind) FROM claim_jobs(now(), 10, interval '60 seconds', ARRAY['caseYellow', 'caseRed'])),
          ARRAY['caseRed', 'caseYellow'], 'the escalation lane claims the deadline jobs of every district, no delivery');
SELECT is((SELECT count(*)::int FROM claim_jobs(now(), 10, interval '60 seconds', ARRAY['webhook'])), 2, 'the delivery lane claims the deliveries');
SELECT is((SELECT count(*)::int FROM claim_jobs(now(), 10, interval '60 seconds', ARRAY['caseYellow', 'caseRed', 'webhook'])), 0,
          'a claimed job is not claimed again within its lease');

SELECT * FROM finish();
ROLLBACK;
