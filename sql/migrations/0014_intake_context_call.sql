-- What intake reads before it numbers a case, in one call outside any transaction: the district,
-- its calendar's version, its published rule set (header), the answer an earlier request under the
-- caller's idempotency key got, and the chain of the reported category (root first; one row per
-- node, or one row with the category's columns NULL). As a statement of its own the read took a
-- transaction of four round trips (BEGIN, the district's setting, the statement, COMMIT); here the
-- district is set for the call's own implicit transaction only. The function runs as its caller,
-- so row-level security applies as it did. Column order is what CaseStore decodes: the tenant
-- from 0, the calendar's version at 9, the rule set from 10, the key's hash and case at 21 and 22,
-- the category from 23.
CREATE FUNCTION intake_context(p_tenant bigint, p_user bigint, p_key text, p_category text)
RETURNS TABLE (
    t_id bigint, t_code text, t_name text, t_division_code text, t_time_zone text, t_status text, t_settings text, t_version bigint,
    t_created_at timestamptz,
    calendar_version bigint,
    r_document text, r_id bigint, r_number integer, r_status text, r_rule_count integer, r_note text, r_created_by text, r_published_by text,
    r_published_at timestamptz, r_version bigint, r_updated_at timestamptz,
    k_request_hash bytea, k_case_id bigint,
    c_id bigint, c_code text, c_parent_code text, c_name text, c_kind text, c_path text, c_is_public boolean, c_filing_standard text,
    c_closing_standard text, c_grades text, c_lead_department text, c_default_level text, c_version bigint, c_updated_at timestamptz,
    c_assisting text[]
)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
BEGIN
    IF app_tenant_id() IS DISTINCT FROM p_tenant AND app_tenant_id() IS NOT NULL THEN
        RAISE EXCEPTION 'intake_context: tenant % asked inside a transaction of tenant %', p_tenant, app_tenant_id();
    END IF;
    -- Lasts until this statement's own (implicit) transaction ends.
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    RETURN QUERY
    SELECT t.id, t.code, t.name, t.division_code, t.time_zone, t.status, t.settings::text, t.version, t.created_at,
           (SELECT w.version FROM work_calendars w WHERE w.tenant_id = p_tenant),
           r.*, k.request_hash, k.case_id, cat.*
    FROM tenants t
    LEFT JOIN LATERAL (SELECT NULL::text, s.id, s.number, s.status, s.rule_count, s.note, s.created_by, s.published_by, s.published_at,
                              s.version, s.updated_at
                       FROM rule_sets s
                       WHERE s.tenant_id = p_tenant AND s.status = 'published' ORDER BY s.number DESC LIMIT 1) r ON true
    LEFT JOIN idempotency_keys k ON k.tenant_id = p_tenant AND k.user_id = p_user AND k.key = p_key
    LEFT JOIN LATERAL (
        SELECT c.id, c.code, p.code, c.name, c.kind, c.path, c.is_public, c.filing_standard, c.closing_standard, c.grades::text,
               ld.code, c.default_level, c.version, c.updated_at,
               ARRAY(SELECT d.code FROM category_assists a JOIN departments d ON d.tenant_id = a.tenant_id AND d.id = a.department_id
                     WHERE a.tenant_id = c.tenant_id AND a.category_id = c.id ORDER BY a.position)
        FROM categories c
        LEFT JOIN categories p ON p.tenant_id = c.tenant_id AND p.id = c.parent_id
        LEFT JOIN departments ld ON ld.tenant_id = c.tenant_id AND ld.id = c.lead_department_id
        WHERE c.tenant_id = p_tenant
          AND c.id = ANY(ARRAY(SELECT unnest(string_to_array(rtrim(x.path, '.'), '.')::bigint[])
                               FROM categories x WHERE x.tenant_id = p_tenant AND x.code = p_category))
    ) cat ON true
    WHERE t.id = p_tenant
    ORDER BY cat.path;
END
$$;

REVOKE ALL ON FUNCTION intake_context(bigint, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake_context(bigint, bigint, text, text) TO gridgov_app;
