-- Two lookups every assessment figure makes (issue 18), which read the whole org tree of a
-- 30,000-grid district (some 20 ms each under load, beside a street's month of 150 ms):
-- the tree's last change, part of the key of a settled answer (`max(updated_at)`), and the units of
-- a kind below a scope that the figures are grouped by (a district's streets, a street's
-- communities). An index answers each from a few entries.
CREATE INDEX org_units_updated ON org_units (tenant_id, updated_at);
CREATE INDEX org_units_kind_path ON org_units (tenant_id, kind, path) WHERE retired_at IS NULL;
