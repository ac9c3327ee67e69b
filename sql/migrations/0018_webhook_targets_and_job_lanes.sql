-- Webhook targets a district allows inside its own network (its departments' systems on
-- premises): without an entry here, deliveries to loopback, private, link-local (the cloud
-- metadata address among them) and other internal addresses are refused, at subscription and
-- again at every delivery. An entry is a host name, an address or a network (CIDR). The list is
-- replaced as a whole by a tenant admin.
CREATE TABLE webhook_allowed_targets (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    entry      text NOT NULL CHECK (char_length(entry) BETWEEN 1 AND 253),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, entry)
);

ALTER TABLE webhook_allowed_targets ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_allowed_targets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_allowed_targets USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
REVOKE ALL ON webhook_allowed_targets FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON webhook_allowed_targets TO gridgov_app;

-- Jobs in lanes: the escalation worker claims deadline jobs, the delivery worker webhook jobs, so
-- that a dead endpoint never delays a district's escalations. The claim is the one call that reads
-- across districts, so the database bounds it: never inside a district's transaction, at most
-- 1,000 jobs, a lease between one second and one hour.
DROP FUNCTION claim_jobs(timestamptz, integer, interval);

CREATE FUNCTION claim_jobs(p_now timestamptz, p_limit integer, p_lease interval, p_kinds text[])
RETURNS TABLE (tenant_id bigint, id bigint, kind text, attempts integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF app_tenant_id() IS NOT NULL THEN
        RAISE EXCEPTION 'claim_jobs: called inside a transaction of tenant %; the worker claims outside any district', app_tenant_id()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'claim_jobs: limit % is outside 1..1000', p_limit USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_lease IS NULL OR p_lease < interval '1 second' OR p_lease > interval '1 hour' THEN
        RAISE EXCEPTION 'claim_jobs: lease % is outside 1 s..1 h', p_lease USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_now IS NULL OR p_kinds IS NULL OR cardinality(p_kinds) = 0 THEN
        RAISE EXCEPTION 'claim_jobs: a time and the kinds to claim are required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    UPDATE jobs j SET locked_until = p_now + p_lease, attempts = j.attempts + 1
    FROM (SELECT x.tenant_id, x.id FROM jobs x
          WHERE x.done_at IS NULL AND x.run_at <= p_now AND (x.locked_until IS NULL OR x.locked_until <= p_now)
            AND x.kind = ANY(p_kinds)
          ORDER BY x.run_at
          LIMIT p_limit
          FOR UPDATE SKIP LOCKED) due
    WHERE j.tenant_id = due.tenant_id AND j.id = due.id
    RETURNING j.tenant_id, j.id, j.kind, j.attempts;
END
$$;

REVOKE ALL ON FUNCTION claim_jobs(timestamptz, integer, interval, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_jobs(timestamptz, integer, interval, text[]) TO gridgov_app;
