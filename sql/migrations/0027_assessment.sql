-- The assessment (issue 18): the district's composite scores as versions, each in force from the
-- first day of a month, and the indexes that find the cases a period's indicators count.

CREATE TABLE assessment_schemes (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    subject      text NOT NULL CHECK (subject IN ('street', 'community', 'department', 'person')),
    -- The month it takes effect from (its first day, local) and that day's first instant.
    effective_month date NOT NULL CHECK (extract(day FROM effective_month) = 1),
    effective_at timestamptz NOT NULL,
    version      integer NOT NULL CHECK (version > 0),
    -- {"weights": [{"indicator", "weight"}], "deductions": [{"indicator", "points", "max"}]}
    document     jsonb NOT NULL,
    note         text CHECK (char_length(note) <= 500),
    created_by   bigint,
    created_login text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, subject, effective_month),
    UNIQUE (tenant_id, subject, version)
);

-- A version in force is history: a month already begun was (or is being) scored by it.
CREATE FUNCTION assessment_scheme_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.effective_at <= now() THEN
        RAISE EXCEPTION 'assessment scheme % of % in force since % cannot change', OLD.version, OLD.subject, OLD.effective_month
            USING ERRCODE = 'GA001';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER assessment_scheme_frozen BEFORE UPDATE OR DELETE ON assessment_schemes
    FOR EACH ROW EXECUTE FUNCTION assessment_scheme_frozen();

ALTER TABLE assessment_schemes ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_schemes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessment_schemes USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
REVOKE ALL ON assessment_schemes FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON assessment_schemes TO gridgov_app;

-- The cases a period's indicators may count are found by the times in it (filed, due, handled,
-- closed, reported), the open ones past due (cases_open_due), those handled after the period's
-- end, and those changed since the time asked (rebuilt from their history).
CREATE INDEX cases_filed_at ON cases (tenant_id, filed_at) WHERE filed_at IS NOT NULL;
CREATE INDEX cases_handle_due ON cases (tenant_id, handle_due) WHERE handle_due IS NOT NULL;
CREATE INDEX cases_handled_at ON cases (tenant_id, handled_at) WHERE handled_at IS NOT NULL;
CREATE INDEX cases_reported_at ON cases (tenant_id, reported_at);
CREATE INDEX cases_updated_at ON cases (tenant_id, updated_at);
CREATE INDEX case_callbacks_at ON case_callbacks (tenant_id, at);
CREATE INDEX whistle_summons_due ON whistle_summons (tenant_id, due_at) WHERE due_at IS NOT NULL;
