-- The day's counter after a crash. take_case_number commits without waiting for its flush, so a
-- database that stops abruptly (pg_ctl -m immediate, a power cut) can come back with the counter
-- behind numbers its cases already carry; the next intake's number is then in use and the case's
-- insert violates cases_tenant_id_number_key. Intake then calls this once and numbers the case
-- again: the counter moves past the highest number of the day in use, and this commit waits for
-- its flush, so the repair itself survives the next crash. A case is never refused for it.
CREATE FUNCTION resync_case_number(p_tenant bigint, p_day date, p_prefix text)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    highest integer;
    taken integer;
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant AND app_tenant_id() IS NOT NULL THEN
        RAISE EXCEPTION 'resync_case_number: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id();
    END IF;
    -- Lasts until this statement's own (implicit) transaction ends.
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    -- The day's numbers share the prefix and end in their counter: a btree range on (tenant, number).
    SELECT coalesce(max(substr(c.number, length(p_prefix) + 1)::integer), 0) INTO highest
    FROM cases c
    WHERE c.tenant_id = p_tenant AND c.number >= p_prefix AND c.number < p_prefix || '~';
    INSERT INTO case_numbers AS n (tenant_id, day, last) VALUES (p_tenant, p_day, highest + 1)
    ON CONFLICT (tenant_id, day) DO UPDATE SET last = greatest(n.last, highest) + 1
    RETURNING n.last INTO taken;
    RETURN taken;
END
$$;

REVOKE ALL ON FUNCTION resync_case_number(bigint, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION resync_case_number(bigint, date, text) TO gridgov_app;
