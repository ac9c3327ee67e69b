-- A caller on the hotline may give an address and no point: the dispatcher names the grid, and
-- the case has no location (it takes no part in duplicate suggestions by distance).
ALTER TABLE cases ALTER COLUMN location DROP NOT NULL;
ALTER TABLE cases ADD CONSTRAINT cases_place CHECK (location IS NOT NULL OR address IS NOT NULL);
