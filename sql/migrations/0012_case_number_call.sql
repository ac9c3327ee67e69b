-- The day's case number in one call, committed on its own. Intakes of a district all update the
-- same counter row, and the row stays locked until the transaction that updated it commits: when
-- that took a round trip for the update and another for the commit, 32 concurrent intakes queued
-- on the row (30 ms of a 60 ms intake in pgbench). Called as a statement of its own outside any
-- transaction, the update and its commit happen inside one round trip. The commit does not wait
-- for its WAL flush: the case that follows commits synchronously and flushes the counter with it;
-- a number whose case never gets written is a gap, and numbers never repeat.
CREATE FUNCTION take_case_number(p_tenant bigint, p_day date)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    taken integer;
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant AND app_tenant_id() IS NOT NULL THEN
        RAISE EXCEPTION 'take_case_number: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id();
    END IF;
    -- Both settings last until this statement's own (implicit) transaction ends.
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO case_numbers AS n (tenant_id, day, last) VALUES (p_tenant, p_day, 1)
    ON CONFLICT (tenant_id, day) DO UPDATE SET last = n.last + 1
    RETURNING n.last INTO taken;
    RETURN taken;
END
$$;

REVOKE ALL ON FUNCTION take_case_number(bigint, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION take_case_number(bigint, date) TO gridgov_app;
