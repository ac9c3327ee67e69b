-- Settled assessment figures (issue 18): the counts of a scope, period and grouping as of a time
-- at least five minutes past, kept once computed. Such a question always has the same answer
-- (the history up to that time is append-only), so it is computed once. The question's digest
-- covers everything the answer depends on: the grouping, the scope's path, the period, the time,
-- the calendar's idle stretches and the org tree's last change (a unit moved changes the paths).
CREATE TABLE assessment_tallies (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    question    bytea NOT NULL,
    rows        jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, question)
);
ALTER TABLE assessment_tallies ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_tallies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessment_tallies USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
REVOKE ALL ON assessment_tallies FROM PUBLIC;
GRANT SELECT, INSERT ON assessment_tallies TO gridgov_app;
