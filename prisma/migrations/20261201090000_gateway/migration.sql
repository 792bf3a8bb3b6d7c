-- The webapp gateway (issue 17).

-- Permission `gateway`: may read the gateway's routes and resolve its viewers' sessions.
ALTER TABLE "groups" ADD COLUMN "is_gateway" BOOLEAN NOT NULL DEFAULT false;

-- Each webapp's own origin is <slug>.<apps domain>: a DNS label, unique, derived from the name.
-- Existing webapps get their name's slug; where two names give the same one, all but the oldest
-- carry the first characters of their id too.
ALTER TABLE "webapps" ADD COLUMN "slug" TEXT;
UPDATE "webapps" AS w SET "slug" = s."slug"
  FROM (
    SELECT "id",
           CASE WHEN row_number() OVER (PARTITION BY "base" ORDER BY "created_at", "id") = 1 THEN "base"
                ELSE "base" || '-' || left("id"::text, 8) END AS "slug"
      FROM (
        SELECT "id", "created_at",
               COALESCE(NULLIF(trim(BOTH '-' FROM left(trim(BOTH '-' FROM regexp_replace(lower("name"), '[^a-z0-9]+', '-', 'g')), 40)), ''), 'webapp') AS "base"
          FROM "webapps"
      ) AS b
  ) AS s
 WHERE w."id" = s."id";
ALTER TABLE "webapps" ALTER COLUMN "slug" SET NOT NULL;
CREATE UNIQUE INDEX "webapps_slug_key" ON "webapps"("slug");

-- Authorization codes (RFC 6749 §4.1, PKCE RFC 7636) for the gateway: only the SHA-256 of a code
-- is stored; a code lives a minute, is redeemed once, and dies with the session that approved it.
CREATE TABLE "authorization_codes" (
    "code_hash" TEXT NOT NULL,
    "session_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "webapp_id" UUID NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "code_challenge" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3),
    CONSTRAINT "authorization_codes_pkey" PRIMARY KEY ("code_hash")
);
CREATE INDEX "authorization_codes_session_id_idx" ON "authorization_codes"("session_id");
CREATE INDEX "authorization_codes_expires_at_idx" ON "authorization_codes"("expires_at");
ALTER TABLE "authorization_codes" ADD CONSTRAINT "authorization_codes_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "authorization_codes" ADD CONSTRAINT "authorization_codes_webapp_id_fkey" FOREIGN KEY ("webapp_id") REFERENCES "webapps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A viewer's session at the gateway for one webapp (the gateway's cookie on that webapp's
-- origin): only its SHA-256 is stored, and it dies with the Behalf session it came from.
CREATE TABLE "gateway_sessions" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "session_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "webapp_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "gateway_sessions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "gateway_sessions_token_hash_key" ON "gateway_sessions"("token_hash");
CREATE INDEX "gateway_sessions_session_id_idx" ON "gateway_sessions"("session_id");
CREATE INDEX "gateway_sessions_code_hash_idx" ON "gateway_sessions"("code_hash");
ALTER TABLE "gateway_sessions" ADD CONSTRAINT "gateway_sessions_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "gateway_sessions" ADD CONSTRAINT "gateway_sessions_webapp_id_fkey" FOREIGN KEY ("webapp_id") REFERENCES "webapps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The gateway hears of new runs too (stops and upstream changes are updates).
DROP TRIGGER "webapp_runs_policy_changed" ON "webapp_runs";
CREATE TRIGGER "webapp_runs_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "webapp_runs"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
