-- Each check round of a case (案件核查, issue 18): the on-time check rate (案件核查及时率, 按时核查率)
-- counts rounds, not cases. A round begins with requestCheck, which sets its deadline, and ends with
-- the grid worker's passCheck or failCheck; a reworked case is checked again in a round of its own.
-- The case row keeps only the last round's deadline, so each round is kept here, written in the
-- transaction of the action (beside its event, whose time it takes) and found by its deadline.
--
-- It is a projection of the history: since this migration the requestCheck event records the
-- round's deadline (`checkDue`), and a test rebuilds the rounds from the events and finds them
-- equal. The grid path and the reporting grid worker are the case's own, which never change.
CREATE TABLE case_checks (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    case_id      bigint NOT NULL,
    seq          bigint NOT NULL,     -- the requestCheck event's
    grid_path    text COLLATE "C" NOT NULL,
    reporter_id  bigint,              -- the grid worker who reported the case, charged while the round is not done
    requested_at timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    done_at      timestamptz,
    done_by      bigint,
    passed       boolean,
    PRIMARY KEY (tenant_id, case_id, seq),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CHECK ((done_at IS NULL) = (passed IS NULL) AND (done_at IS NULL OR done_at >= requested_at) AND (done_by IS NULL OR done_at IS NOT NULL))
);
-- At most one round of a case is open (the case is `checking`).
CREATE UNIQUE INDEX case_checks_one_open ON case_checks (tenant_id, case_id) WHERE done_at IS NULL;
-- A period's rounds by their deadline, with what the figures read (an index-only scan).
CREATE INDEX case_checks_due ON case_checks (tenant_id, due_at) INCLUDE (grid_path, requested_at, done_at, done_by, reporter_id);

ALTER TABLE case_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_checks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON case_checks USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
REVOKE ALL ON case_checks FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON case_checks TO gridgov_app;

-- The rounds of the history written before: each requestCheck with the first passCheck or failCheck
-- after it. Those events did not record the deadline; the case row still holds the last round's
-- (a failed check or a reopening cleared it), so earlier rounds, whose deadline is known nowhere,
-- are left out.
INSERT INTO case_checks (tenant_id, case_id, seq, grid_path, reporter_id, requested_at, due_at, done_at, done_by, passed)
SELECT r.tenant_id, r.case_id, r.seq, c.grid_path, CASE WHEN c.source = 'gridWorker' THEN c.reported_by END, r.at, c.check_due,
       d.at, d.actor_id, d.action = 'passCheck'
FROM case_events r
JOIN cases c ON c.tenant_id = r.tenant_id AND c.id = r.case_id
LEFT JOIN LATERAL (
    SELECT e.at, e.actor_id, e.action FROM case_events e
    WHERE e.tenant_id = r.tenant_id AND e.case_id = r.case_id AND e.seq > r.seq AND e.action IN ('passCheck', 'failCheck')
    ORDER BY e.seq LIMIT 1
) d ON true
WHERE r.action = 'requestCheck' AND c.check_due IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM case_events l WHERE l.tenant_id = r.tenant_id AND l.case_id = r.case_id AND l.seq > r.seq AND l.action = 'requestCheck');

-- Figures kept before this (0029) have no check rounds: the service asks its questions anew
-- (`tallies/2`), and the old answers are read by nothing.
DELETE FROM assessment_tallies;
