-- 5,000 webapps on top of seed.sql's world (each owned by and running as one of its users,
-- restricted to one of its groups), with a stopped run each. Ids derived from numbers.
SET synchronous_commit = off;

INSERT INTO webapps (id, name, slug, kind, owner_user_id, owner_login, last_modified_by_user_id, last_modified_by_login,
                     run_as_user_id, run_as_login, access, allow_impersonation, created_at, updated_at)
SELECT md5('w' || i)::uuid, 'w' || i, 'scale-w' || i, 'dash', md5('u' || i)::uuid, 'u' || i, md5('u' || i)::uuid, 'u' || i,
       md5('u' || i)::uuid, 'u' || i, 'restricted', i % 2 = 0, now(), now()
FROM generate_series(1, 5000) AS i;

INSERT INTO webapp_viewer_groups (webapp_id, group_id)
SELECT md5('w' || i)::uuid, md5('g' || (1 + (i * 7) % 10000))::uuid
FROM generate_series(1, 5000) AS i;

INSERT INTO webapp_runs (id, webapp_id, identity_user_id, identity_login, identity_source, started_by_user_id, started_by_login, started_at, stopped_at)
SELECT md5('r' || i)::uuid, md5('w' || i)::uuid, md5('u' || i)::uuid, 'u' || i, 'explicit', md5('u' || i)::uuid, 'u' || i,
       now() - interval '1 hour', now() - interval '30 minutes'
FROM generate_series(1, 5000) AS i;

ANALYZE;
