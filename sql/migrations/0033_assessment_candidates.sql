-- The range indexes of 0030 and 0031 as the service can use them (issue 18). A range's && is not
-- LEAKPROOF, so under row-level security the planner keeps it above the policy and never scans
-- an index with it: the figures read every case of their scope instead. These definer functions
-- bypass row-level security to find the candidates by the index and apply the district
-- themselves (the transaction's own district only); the statement then reads those cases by id
-- under row-level security as before.

-- The ids of the cases within [p_scope, p_scope_end) whose span (0031) meets [p_from, p_to]: every
-- case a period's figures may count from its row.
CREATE FUNCTION assessment_period_cases(p_tenant bigint, p_scope text, p_scope_end text, p_from timestamptz, p_to timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant THEN
        RAISE EXCEPTION 'assessment_period_cases: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT c.id FROM cases c
    WHERE c.tenant_id = p_tenant
      AND case_span(c.reported_at, c.filed_at, c.handle_due, c.handled_at, c.closed_at, c.state) && tstzrange(p_from, p_to, '[]')
      AND c.grid_path >= p_scope AND c.grid_path < p_scope_end;
END
$$;

-- The ids of the cases within the scope in flight at p_at (0030): reported by then, their facts
-- changed after it (less two seconds' margin), so that the figures rebuild them from their history.
CREATE FUNCTION assessment_in_flight_cases(p_tenant bigint, p_scope text, p_scope_end text, p_at timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant THEN
        RAISE EXCEPTION 'assessment_in_flight_cases: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT c.id FROM cases c
    WHERE c.tenant_id = p_tenant
      AND tstzrange(c.reported_at, c.facts_at, '[]') && tstzrange(p_at - interval '2 seconds', p_at, '(]')
      AND c.grid_path >= p_scope AND c.grid_path < p_scope_end;
END
$$;

REVOKE ALL ON FUNCTION assessment_period_cases(bigint, text, text, timestamptz, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION assessment_in_flight_cases(bigint, text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION assessment_period_cases(bigint, text, text, timestamptz, timestamptz) TO gridgov_app;
GRANT EXECUTE ON FUNCTION assessment_in_flight_cases(bigint, text, text, timestamptz) TO gridgov_app;
