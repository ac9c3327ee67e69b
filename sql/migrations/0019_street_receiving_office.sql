-- A street designates the office (科室) that receives the cases routing leaves to the territory
-- (`@territorial`): its 网格办 or command centre. At most one per street; a street that has not
-- designated one falls back to its first office by code.
ALTER TABLE departments ADD COLUMN receives_territorial boolean NOT NULL DEFAULT false;
ALTER TABLE departments ADD CONSTRAINT departments_receiver_is_office CHECK (NOT receives_territorial OR kind = 'streetOffice');
CREATE UNIQUE INDEX departments_one_receiver ON departments (tenant_id, org_unit_id) WHERE receives_territorial;
