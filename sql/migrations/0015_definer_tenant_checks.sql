-- The SECURITY DEFINER lookups bypass row-level security and apply the district they are given.
-- They trusted that argument: inside a transaction of one district, a call naming another
-- returned the other's rows. Now every definer function that names a district follows the rule
-- take_case_number and intake_context follow: a transaction has at most one district. A call
-- inside a transaction of another district is refused (insufficient_privilege); a call where
-- none is set, as the service makes them (a statement of its own outside any transaction), sets
-- its district for the rest of that transaction, which for such a statement is the statement
-- itself, so a later call or read in the same transaction cannot reach another district either.
-- tenant_by_code is how a district is found before one is chosen: it sets nothing, and inside a
-- district's transaction it answers that district's own code only (any other code is refused,
-- whether or not it exists, so the refusal tells nothing about other districts).
-- The functions set a configuration value, so they are no longer STABLE. Their plans are kept
-- generic as 0013 made them (CREATE OR REPLACE resets every SET clause, so they are repeated);
-- the check reads one setting and costs nothing measurable.

CREATE OR REPLACE FUNCTION tenant_by_code(p_code text)
RETURNS TABLE (id bigint, status text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    asking bigint := app_tenant_id();
    found_id bigint;
    found_status text;
BEGIN
    SELECT t.id, t.status INTO found_id, found_status FROM tenants t WHERE t.code = upper(p_code);
    IF asking IS NOT NULL AND found_id IS DISTINCT FROM asking THEN
        RAISE EXCEPTION 'tenant_by_code: district code % asked inside a transaction of tenant %', p_code, asking
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF found_id IS NOT NULL THEN
        id := found_id;
        status := found_status;
        RETURN NEXT;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION locate_grid(p_tenant bigint, p_lng double precision, p_lat double precision)
RETURNS TABLE (id bigint, path text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
AS $$
-- PL/pgSQL rather than SQL: its statement plan is cached per session, where a SQL function that
-- cannot be inlined (SECURITY DEFINER) is planned again on every call.
DECLARE
    point geometry := ST_SetSRID(ST_MakePoint(p_lng, p_lat), 4326);
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant THEN
        IF app_tenant_id() IS NOT NULL THEN
            RAISE EXCEPTION 'locate_grid: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id()
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- Lasts until this statement's own (implicit) transaction ends.
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
    END IF;
    RETURN QUERY
    SELECT u.id, u.path::text
    FROM org_units u
    WHERE u.tenant_id = p_tenant
      AND u.kind = 'grid'
      AND u.geom && point
      AND ST_Intersects(u.geom, point)
    ORDER BY u.grid_level DESC, u.id
    LIMIT 1;
END
$$;

CREATE OR REPLACE FUNCTION locate_chain(p_tenant bigint, p_lng double precision, p_lat double precision)
RETURNS TABLE (id bigint, parent_id bigint, kind text, grid_level smallint, code text, name text, path text,
               version bigint, updated_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    grid_path text;
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant THEN
        IF app_tenant_id() IS NOT NULL THEN
            RAISE EXCEPTION 'locate_chain: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id()
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
    END IF;
    SELECT g.path INTO grid_path FROM locate_grid(p_tenant, p_lng, p_lat) g;
    IF grid_path IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT u.id, u.parent_id, u.kind, u.grid_level, u.code, u.name, u.path::text, u.version, u.updated_at
    FROM org_units u
    WHERE u.tenant_id = p_tenant
      AND u.id = ANY (string_to_array(rtrim(grid_path, '.'), '.')::bigint[])
    ORDER BY u.depth;
END
$$;

CREATE OR REPLACE FUNCTION session_principal(p_tenant bigint, p_token_hash bytea)
RETURNS TABLE (tenant_code text, tenant_status text, user_id bigint, login text, binding_id bigint, role text,
               scope_unit_id bigint, scope_path text, department_id bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
-- PL/pgSQL so that the five-way join is planned once per session, not on every request.
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant THEN
        IF app_tenant_id() IS NOT NULL THEN
            RAISE EXCEPTION 'session_principal: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id()
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
    END IF;
    RETURN QUERY
    SELECT t.code, t.status, u.id, u.login, b.id, b.role, b.scope_org_unit_id, o.path::text, b.department_id
    FROM sessions s
    JOIN tenants t ON t.id = s.tenant_id
    JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.status = 'active'
    LEFT JOIN role_bindings b ON b.tenant_id = s.tenant_id AND b.user_id = s.user_id
    LEFT JOIN org_units o ON o.tenant_id = b.tenant_id AND o.id = b.scope_org_unit_id
    WHERE s.tenant_id = p_tenant AND s.token_hash = p_token_hash
      AND s.revoked_at IS NULL AND s.expires_at > now()
    ORDER BY b.id;
END
$$;

-- Also answers where each case lies and the departments it is with, so that intake shows a
-- reporter only the suggestions they may read without reading each case again.
DROP FUNCTION nearby_open_cases(bigint, bigint, double precision, double precision, double precision, timestamptz, integer);
CREATE FUNCTION nearby_open_cases(p_tenant bigint, p_category bigint, p_lng double precision, p_lat double precision,
                                  p_meters double precision, p_since timestamptz, p_limit integer)
RETURNS TABLE (id bigint, number text, state text, meters double precision, reported_at timestamptz, grid_path text, departments bigint[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    point geometry := ST_SetSRID(ST_MakePoint(p_lng, p_lat), 4326);
    -- Degrees that surely cover p_meters (a degree of latitude is at least 110.5 km; a degree of
    -- longitude shrinks with the cosine of the latitude), with 10 % to spare.
    dlat double precision := p_meters / 110500.0 * 1.1;
    dlng double precision := p_meters / (110500.0 * greatest(cos(radians(p_lat)), 0.01)) * 1.1;
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant THEN
        IF app_tenant_id() IS NOT NULL THEN
            RAISE EXCEPTION 'nearby_open_cases: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id()
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
    END IF;
    RETURN QUERY
    SELECT c.id, c.number, c.state, ST_Distance(c.location::geography, point::geography), c.reported_at, c.grid_path::text,
           array_remove(ARRAY[c.lead_department_id], NULL)
             || ARRAY(SELECT t.department_id FROM case_tasks t WHERE t.tenant_id = p_tenant AND t.case_id = c.id)
    FROM cases c
    WHERE c.tenant_id = p_tenant
      AND c.state NOT IN ('invalid', 'notFiled', 'voided', 'merged', 'closed', 'evaluated')
      AND c.location && ST_Expand(point, dlng, dlat)
      AND c.category_id = p_category
      AND c.reported_at >= p_since
      AND ST_DWithin(c.location::geography, point::geography, p_meters)
    ORDER BY ST_Distance(c.location::geography, point::geography), c.id
    LIMIT p_limit;
END
$$;

REVOKE ALL ON FUNCTION nearby_open_cases(bigint, bigint, double precision, double precision, double precision, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION nearby_open_cases(bigint, bigint, double precision, double precision, double precision, timestamptz, integer) TO gridgov_app;
