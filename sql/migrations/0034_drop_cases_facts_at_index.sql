-- The b-tree over cases.facts_at (0028) is read by nothing since the cases in flight have their
-- own range index (0030, 0031), and it misled the planner (issue 18): for a district's past month
-- it read every case whose facts last changed before the month's end (400,000 of 1,000,000 for
-- April), where the union of the five time indexes finds the month's 90,000. `facts_at` stays a
-- filter. The figures' statements no longer ask `reported_at <= t` beside it, whose index misled
-- the planner the same way: a case's facts change no earlier than it is reported (both start at
-- the insert's now()), so `facts_at <= t` says it was reported by t.
DROP INDEX IF EXISTS cases_facts_at;

-- That order is now a rule of the table, which the figures stand on.
ALTER TABLE cases ADD CONSTRAINT cases_facts_after_report CHECK (facts_at >= reported_at);
