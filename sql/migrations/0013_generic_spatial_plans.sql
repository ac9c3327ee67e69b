-- The spatial lookups of every intake plan their query once per session. PL/pgSQL caches a
-- statement's plan, but for its first calls, and for good whenever a fresh plan looks cheaper,
-- it plans again with the call's values; for a PostGIS predicate that means estimating from the
-- column's spatial histogram on every call. Their queries have one good shape whatever the
-- point (the tenant, then the GiST index), so they keep one generic plan: measured on the
-- benchmark district (30,000 grids, a year of cases), locate_chain went from 0.58 to 0.31 ms a
-- call and nearby_open_cases from 0.62 to 0.25 ms.
ALTER FUNCTION locate_grid(bigint, double precision, double precision) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION locate_chain(bigint, double precision, double precision) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION nearby_open_cases(bigint, bigint, double precision, double precision, double precision, timestamptz, integer)
    SET plan_cache_mode = force_generic_plan;
