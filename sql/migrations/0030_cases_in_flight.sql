-- The cases in flight at a time (issue 18): reported by then and with assessed facts changed after
-- it, the ones the assessment rebuilds from their history. A range index answers "which spans hold
-- this moment" without reading every case reported before it or changed after it.
CREATE INDEX IF NOT EXISTS cases_in_flight ON cases USING gist (tstzrange(reported_at, facts_at, '[]'));
