-- The number of rules of a rule set, kept beside its document: routing reads the header of the
-- published set for every report, and counting the rules detoasted the whole document each time.
ALTER TABLE rule_sets
    ADD COLUMN rule_count integer GENERATED ALWAYS AS (jsonb_array_length(coalesce(document -> 'rules', '[]'::jsonb))) STORED;
