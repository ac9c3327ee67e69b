-- Cross-district joint whistles (0026): the link is written, answered and read across districts
-- only by the narrow definer functions, each of which checks the invitation from the calling
-- district's side; the service role cannot write links itself. Run as the schema owner (what a
-- definer function runs as, whoever calls it).
BEGIN;
SELECT plan(17);

-- Two districts of one city (1101) and one of another (1201), each with a street and a whistle.
INSERT INTO tenants (id, code, name, division_code) VALUES
    (910001, 'JWA', '甲区', '110108'), (910002, 'JWB', '乙区', '110105'), (910003, 'JWC', '丙区', '120101');
INSERT INTO org_units (tenant_id, id, parent_id, kind, code, name, path, depth)
SELECT t, t * 10 + 1, NULL, 'district', 'D' || t, '区', (t * 10 + 1) || '.', 0 FROM unnest(ARRAY[910001, 910002, 910003]::bigint[]) t
UNION ALL
SELECT t, t * 10 + 2, t * 10 + 1, 'street', 'S' || t, '交界街道', (t * 10 + 1) || '.' || (t * 10 + 2) || '.', 1
FROM unnest(ARRAY[910001, 910002, 910003]::bigint[]) t;
INSERT INTO whistles (tenant_id, id, unit_id, unit_path, street_id, level, kind, kind_name, reason, object, lat, lng, limit_minutes, radius_m,
                      created_login, created_at, updated_at)
SELECT t, t * 10 + 3, t * 10 + 2, (t * 10 + 1) || '.' || (t * 10 + 2) || '.', t * 10 + 2, 'street', 'enforce', '执法哨', '交界违建联合拆除',
       '交界处违建', 39.9, 116.3, 30, 500, 'tester', now(), now()
FROM unnest(ARRAY[910001, 910002, 910003]::bigint[]) t;

SELECT ok(NOT has_table_privilege('gridgov_app', 'whistle_links', 'INSERT') AND NOT has_table_privilege('gridgov_app', 'whistle_links', 'UPDATE')
          AND NOT has_table_privilege('gridgov_app', 'whistle_links', 'DELETE'), 'the service role cannot write links itself');

-- In district A's transaction: invitations.
SELECT set_config('app.tenant_id', '910001', true);
SELECT throws_ok('SELECT joint_invite(9100013, ''JWC'', now())', 'GJ001', NULL, 'a district of another city is not invited (as if unknown)');
SELECT throws_ok('SELECT joint_invite(9100013, ''JWA'', now())', 'GJ001', NULL, 'nor the district itself');
SELECT throws_ok('SELECT joint_invite(9100023, ''JWA'', now())', 'P0002', NULL, 'nor on another district''s whistle');
SELECT ok(joint_invite(9100013, 'jwb', now()) IS NOT NULL, 'a district of the same city is invited');
SELECT is((SELECT array_agg(tenant_id || ':' || role || ':' || status ORDER BY tenant_id) FROM whistle_links),
          ARRAY['910001:host:invited', '910002:guest:invited'], 'one link in each district');
SELECT throws_ok('SELECT joint_invite(9100013, ''JWB'', now())', '23505', NULL, 'a whistle is linked once');
SELECT is(joint_partner((SELECT id FROM whistle_links WHERE tenant_id = 910001)), NULL, 'nothing is shared before the answer');
SELECT throws_ok('SELECT joint_answer((SELECT id FROM whistle_links WHERE tenant_id = 910002), true, 9100013, NULL, now())', 'P0002', NULL,
                 'the host cannot answer the guest''s invitation');

-- In district B's transaction: the answer.
SELECT set_config('app.tenant_id', '910002', true);
SELECT throws_ok('SELECT joint_answer((SELECT id FROM whistle_links WHERE tenant_id = 910002), false, NULL, '' '', now())', '22023', NULL,
                 'a refusal needs its reason');
SELECT throws_ok('SELECT joint_answer((SELECT id FROM whistle_links WHERE tenant_id = 910002), true, 9100013, NULL, now())', 'P0002', NULL,
                 'the guest accepts with a whistle of its own, not the host''s');
SELECT lives_ok('SELECT joint_answer((SELECT id FROM whistle_links WHERE tenant_id = 910002), true, 9100023, NULL, now())',
                'the guest accepts with its own whistle');
SELECT throws_ok('SELECT joint_answer((SELECT id FROM whistle_links WHERE tenant_id = 910002), false, NULL, ''改主意'', now())', 'GJ004', NULL,
                 'an invitation is answered once');
SELECT is(joint_partner((SELECT id FROM whistle_links WHERE tenant_id = 910002)) -> 'district' ->> 'code', 'JWA',
          'the guest reads the host''s shared side through its own link');
SELECT is(joint_partner((SELECT id FROM whistle_links WHERE tenant_id = 910001)), NULL, 'but not through the host''s link');

-- The city's view is the platform's only.
SELECT throws_ok('SELECT * FROM joint_whistles_in_city(''1101'')', '42501', NULL, 'a district cannot list its city''s joint whistles');
SELECT set_config('app.tenant_id', '', true);
SELECT set_config('app.platform', 'on', true);
SELECT is((SELECT array_agg(host_code || '>' || guest_code || ':' || status || ':' || guest_state) FROM joint_whistles_in_city('1101')),
          ARRAY['JWA>JWB:accepted:formed'], 'the platform lists the city''s joint whistles');

SELECT * FROM finish();
ROLLBACK;
