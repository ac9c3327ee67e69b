-- When a case's assessed facts last changed (issue 18): its filing, handling deadline, handling,
-- close, reworks, extensions, suspension, lead department, or a state that voids, merges or
-- decides it. The assessment reads a case as of a past time from its row when its facts have not
-- changed since, else from its history; `updated_at` moves with every traffic light and
-- evaluation as well, which would send far more cases to their history.
ALTER TABLE cases ADD COLUMN facts_at timestamptz;

UPDATE cases c SET facts_at = x.at
FROM (SELECT tenant_id, case_id, max(at) AS at FROM case_events
      WHERE action = ANY(ARRAY['file', 'notFile', 'markInvalid', 'void', 'merge', 'dispatch', 'approveExtension', 'approveSuspension',
                               'resume', 'reportHandled', 'selfHandle', 'handleLocally', 'failCheck', 'close', 'reopen'])
      GROUP BY tenant_id, case_id) x
WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id;
UPDATE cases SET facts_at = reported_at WHERE facts_at IS NULL;

ALTER TABLE cases ALTER COLUMN facts_at SET DEFAULT now(), ALTER COLUMN facts_at SET NOT NULL;
CREATE INDEX cases_facts_at ON cases (tenant_id, facts_at);
DROP INDEX cases_updated_at;
