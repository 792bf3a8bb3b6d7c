-- 100,000 users (every 50th disabled), 10,000 groups (the first 10 admin groups),
-- 1,000,000 memberships (each user in 10 distinct groups) and 50,000 grants (5 per group, every
-- 7th time-boxed: some expired, some not). Ids are derived from numbers, so runs are repeatable.
SET synchronous_commit = off;

INSERT INTO users (id, login, display_name, status, updated_at)
SELECT md5('u' || i)::uuid, 'u' || i, 'User ' || i,
       (CASE WHEN i % 50 = 0 THEN 'disabled' ELSE 'active' END)::user_status, now()
FROM generate_series(1, 100000) AS i;

INSERT INTO groups (id, name, is_admin, updated_at)
SELECT md5('g' || i)::uuid, 'g' || i, i <= 10, now()
FROM generate_series(1, 10000) AS i;

INSERT INTO memberships (group_id, user_id)
SELECT md5('g' || (1 + ((u + k * 1000) % 10000)))::uuid, md5('u' || u)::uuid
FROM generate_series(1, 100000) AS u, generate_series(0, 9) AS k;

INSERT INTO impersonation_grants (source_group_id, target_group_id, reason, expires_at, created_at, created_by_login)
SELECT md5('g' || i)::uuid, md5('g' || (1 + ((i * 31 + j * 997) % 10000)))::uuid, 'bench',
       CASE WHEN (i + j) % 7 = 0 THEN now() + ((((i + j) % 3) - 1) * interval '1 day') END,
       now(), 'bench'
FROM generate_series(1, 10000) AS i, generate_series(0, 4) AS j;

ANALYZE;
