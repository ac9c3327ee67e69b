-- Duplicate suggestions at intake look for open cases near a point. The geography distance of
-- 0005 cannot use the location index, so with a year of history every intake scanned the
-- district's cases of that category. Open cases get their own spatial index (a few per cent of
-- all cases), and the lookup first keeps the cases inside a box around the circle (an index
-- search), then measures them on the spheroid.
CREATE INDEX cases_open_location ON cases USING gist (location)
    WHERE state NOT IN ('invalid', 'notFiled', 'voided', 'merged', 'closed', 'evaluated');

CREATE OR REPLACE FUNCTION nearby_open_cases(p_tenant bigint, p_category bigint, p_lng double precision, p_lat double precision,
                                             p_meters double precision, p_since timestamptz, p_limit integer)
RETURNS TABLE (id bigint, number text, state text, meters double precision, reported_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    point geometry := ST_SetSRID(ST_MakePoint(p_lng, p_lat), 4326);
    -- Degrees that surely cover p_meters (a degree of latitude is at least 110.5 km; a degree of
    -- longitude shrinks with the cosine of the latitude), with 10 % to spare.
    dlat double precision := p_meters / 110500.0 * 1.1;
    dlng double precision := p_meters / (110500.0 * greatest(cos(radians(p_lat)), 0.01)) * 1.1;
BEGIN
    RETURN QUERY
    SELECT c.id, c.number, c.state, ST_Distance(c.location::geography, point::geography), c.reported_at
    FROM cases c
    WHERE c.tenant_id = p_tenant
      AND c.state NOT IN ('invalid', 'notFiled', 'voided', 'merged', 'closed', 'evaluated')
      AND c.location && ST_Expand(point, dlng, dlat)
      AND c.category_id = p_category
      AND c.reported_at >= p_since
      AND ST_DWithin(c.location::geography, point::geography, p_meters)
    ORDER BY ST_Distance(c.location::geography, point::geography), c.id
    LIMIT p_limit;
END
$$;
