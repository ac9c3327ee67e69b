-- A notification may be addressed to one person (the reporter of a case that was merged, 并案)
-- rather than to the people of a scope or a department: user_id names them, and a notification
-- names at least one addressee. One addressed to a scope may also be meant only for some roles
-- there (a call-back request for the command centre's dispatchers): roles names them, NULL is all.
ALTER TABLE notifications ADD COLUMN user_id bigint;
ALTER TABLE notifications ADD COLUMN roles text[];
ALTER TABLE notifications ADD FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id);
ALTER TABLE notifications ALTER COLUMN scope_unit_id DROP NOT NULL;
ALTER TABLE notifications ALTER COLUMN scope_path DROP NOT NULL;
ALTER TABLE notifications ADD CONSTRAINT notifications_addressee
    CHECK (user_id IS NOT NULL OR (scope_unit_id IS NOT NULL AND scope_path IS NOT NULL));
CREATE INDEX notifications_user ON notifications (tenant_id, user_id, id) WHERE user_id IS NOT NULL;
