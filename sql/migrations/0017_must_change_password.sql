-- A session tells whether its user still holds a one-time password (a new user's, a reset one,
-- a new district's first admin's): such a session may only change it, read who is logged in and
-- log out, and the request's one lookup of its principal is where that is learnt. The function's
-- row type changes, so it is made again (0015's body, its district check included, one more
-- column after the login).
DROP FUNCTION session_principal(bigint, bytea);

CREATE FUNCTION session_principal(p_tenant bigint, p_token_hash bytea)
RETURNS TABLE (tenant_code text, tenant_status text, user_id bigint, login text, must_change_password boolean, binding_id bigint,
               role text, scope_unit_id bigint, scope_path text, department_id bigint)
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
    SELECT t.code, t.status, u.id, u.login, u.must_change_password, b.id, b.role, b.scope_org_unit_id, o.path::text, b.department_id
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

REVOKE ALL ON FUNCTION session_principal(bigint, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_principal(bigint, bytea) TO gridgov_app;
