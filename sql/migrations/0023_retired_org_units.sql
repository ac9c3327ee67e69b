-- A district's tree is re-imported from its GIS exports (issue 15 item 9): a unit the new file no
-- longer has is retired, never deleted, because cases, bindings, departments and duties still
-- point at it and its history must stay readable. A retired unit takes no new reports (the point
-- lookup skips it) and drops out of default lists; a later import that has it again brings it back.
ALTER TABLE org_units ADD COLUMN retired_at timestamptz;

DROP INDEX org_units_grid_geom;
CREATE INDEX org_units_grid_geom ON org_units USING gist (geom) WHERE kind = 'grid' AND retired_at IS NULL;

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
      AND u.retired_at IS NULL
      AND u.geom && point
      AND ST_Intersects(u.geom, point)
    ORDER BY u.grid_level DESC, u.id
    LIMIT 1;
END
$$;
