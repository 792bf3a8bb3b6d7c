-- Security hardening (issue 14).

-- Audit records of state changes are written to this outbox in the change's own transaction,
-- then moved into the hash chain (audit_events) in order: a change and its record commit
-- together or not at all.
CREATE TABLE "audit_outbox" (
    "id" BIGSERIAL NOT NULL,
    "content" JSONB NOT NULL,
    CONSTRAINT "audit_outbox_pkey" PRIMARY KEY ("id")
);

-- What a webapp runs (an image, a repository and ref, or a bundle): only edits of it (and of the
-- launch configuration) make the editor the last modifier.
ALTER TABLE "webapps" ADD COLUMN "source" JSONB;
-- The explicit run-as user was chosen by an admin: only then may it hold permissions the
-- starter lacks. Earlier choices cannot be told apart, so they count as not pinned by an admin.
ALTER TABLE "webapps" ADD COLUMN "run_as_pinned_by_admin" BOOLEAN NOT NULL DEFAULT false;

-- Why a run stopped.
ALTER TABLE "webapp_runs" ADD COLUMN "stop_reason" TEXT;
CREATE INDEX "webapp_runs_started_by_user_id_idx" ON "webapp_runs"("started_by_user_id");
CREATE INDEX "webapp_runs_identity_user_id_idx" ON "webapp_runs"("identity_user_id");

-- A compromised signing key, dropped from the JWKS at once.
ALTER TABLE "signing_keys" ADD COLUMN "revoked_at" TIMESTAMPTZ(3);

-- Which of their secrets a user lets one webapp receive.
CREATE TABLE "secret_consents" (
    "user_id" UUID NOT NULL,
    "webapp_id" UUID NOT NULL,
    "names" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "secret_consents_pkey" PRIMARY KEY ("user_id","webapp_id")
);
CREATE INDEX "secret_consents_webapp_id_idx" ON "secret_consents"("webapp_id");
ALTER TABLE "secret_consents" ADD CONSTRAINT "secret_consents_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "secret_consents" ADD CONSTRAINT "secret_consents_webapp_id_fkey" FOREIGN KEY ("webapp_id") REFERENCES "webapps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Login throttles now count every attempt before it is verified; old counters mean nothing.
DELETE FROM "login_throttles";
