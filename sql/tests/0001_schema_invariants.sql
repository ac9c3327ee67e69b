-- Database invariants that keep tenants apart and the schema Citus-ready; run by scripts/pgtap.sh.
BEGIN;
SELECT plan(16);

CREATE TEMP VIEW app_tables AS
SELECT c.oid, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e');

CREATE TEMP VIEW tenant_tables AS
SELECT t.* FROM app_tables t
WHERE EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped);

SELECT ok((SELECT count(*) FROM tenant_tables) >= 5, 'the tenant tables are found');

SELECT is(
    (SELECT array_agg(t.relname ORDER BY 1) FROM app_tables t JOIN pg_class c ON c.oid = t.oid
     WHERE NOT (c.relrowsecurity AND c.relforcerowsecurity)),
    NULL, 'every table has row-level security enabled and forced');

SELECT is(
    (SELECT array_agg(t.relname || '.' || a.attname ORDER BY 1)
     FROM tenant_tables t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'tenant_id'
     WHERE NOT a.attnotnull OR a.atttypid <> 'bigint'::regtype),
    NULL, 'tenant_id is bigint NOT NULL everywhere');

SELECT is(
    (SELECT array_agg(con.conname ORDER BY 1)
     FROM pg_constraint con JOIN tenant_tables t ON t.oid = con.conrelid
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
     WHERE con.contype IN ('p', 'u', 'f') AND a.attname <> 'tenant_id'),
    NULL, 'tenant_id leads every primary key, unique constraint and foreign key of tenant tables');

SELECT is(
    (SELECT array_agg(con.conname ORDER BY 1)
     FROM pg_constraint con JOIN tenant_tables t ON t.oid = con.conrelid
     JOIN pg_class r ON r.oid = con.confrelid
     JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
     WHERE con.contype = 'f' AND NOT (r.relname = 'tenants' OR ra.attname = 'tenant_id')),
    NULL, 'foreign keys reference (tenant_id, …) or the tenants table');

SELECT is(
    (SELECT array_agg(i.indexrelid::regclass::text ORDER BY 1)
     FROM pg_index i JOIN tenant_tables t ON t.oid = i.indrelid
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE i.indisunique AND a.attname <> 'tenant_id'),
    NULL, 'every unique index of a tenant table leads with tenant_id');

SELECT is(
    (SELECT array_agg(t.relname || '.' || a.attname ORDER BY 1)
     FROM app_tables t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE (a.attname = 'id' OR a.attname LIKE '%\_id' ESCAPE '\') AND a.atttypid <> 'bigint'::regtype),
    NULL, 'identifier columns are bigint');

SELECT ok((SELECT NOT rolsuper AND NOT rolbypassrls FROM pg_roles WHERE rolname = 'gridgov_app'),
          'the service role is neither superuser nor BYPASSRLS');

SELECT is((SELECT count(*)::int FROM app_tables t JOIN pg_class c ON c.oid = t.oid WHERE pg_get_userbyid(c.relowner) = 'gridgov_app'),
          0, 'the service role owns no table');

SELECT is(
    (SELECT array_agg(relname ORDER BY 1) FROM tenant_tables WHERE relname NOT IN ('role_bindings', 'category_assists', 'duties', 'webhook_allowed_targets', 'unit_members', 'brief_subscriptions')
       AND has_table_privilege('gridgov_app', oid, 'DELETE')),
    NULL, 'the service role may delete only role bindings, rows of replaceable lists and a user''s brief subscriptions');

SELECT ok(NOT has_table_privilege('gridgov_app', 'audit_log', 'UPDATE') AND NOT has_table_privilege('gridgov_app', 'audit_log', 'DELETE'),
          'the audit log is insert-only for the service role');

SELECT is(
    (SELECT array_agg(c.relname ORDER BY 1) FROM app_tables c
     WHERE c.relname NOT IN (SELECT relname FROM tenant_tables) AND c.relname <> 'tenants'
       AND (has_table_privilege('gridgov_app', c.oid, 'INSERT') OR has_table_privilege('gridgov_app', c.oid, 'UPDATE')
            OR EXISTS (SELECT 1 FROM pg_constraint f WHERE f.conrelid = c.oid AND f.contype = 'f'))),
    NULL, 'reference tables are read-only for the service and point at no tenant table');

SELECT ok(NOT has_table_privilege('gridgov_app', 'case_events', 'UPDATE') AND NOT has_table_privilege('gridgov_app', 'case_events', 'DELETE')
          AND has_table_privilege('gridgov_app', 'case_events', 'INSERT'),
          'case history is insert-only for the service role');

SELECT isnt(
    case_event_hash(NULL, 1, 1, 1, '2026-11-22 10:00:00+08', NULL, 'a', NULL, 'report', NULL, 'reported', '{"x": 1}'),
    case_event_hash(NULL, 1, 1, 1, '2026-11-22 10:00:00+08', NULL, 'a', NULL, 'report', NULL, 'reported', '{"x": 2}'),
    'an event hash changes with its payload');

SELECT ok(NOT has_table_privilege('gridgov_app', 'schema_migrations', 'SELECT'), 'the service role cannot read the migration ledger');

SELECT is(
    (SELECT array_agg(p.proname ORDER BY 1) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND p.prosecdef
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
       AND NOT coalesce(p.proconfig::text LIKE '%search_path=%', false)),
    NULL, 'every SECURITY DEFINER function pins its search_path');

SELECT * FROM finish();
ROLLBACK;
