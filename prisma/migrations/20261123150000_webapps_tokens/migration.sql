-- CreateEnum
CREATE TYPE "webapp_kind" AS ENUM ('dash', 'streamlit', 'shiny', 'bokeh', 'flask', 'express', 'standard');

-- CreateEnum
CREATE TYPE "identity_mode" AS ENUM ('run_as_user', 'starter');

-- CreateEnum
CREATE TYPE "webapp_access" AS ENUM ('public', 'authenticated', 'restricted');

-- CreateEnum
CREATE TYPE "run_as_source" AS ENUM ('explicit', 'last_modifier', 'starter');

-- CreateTable
CREATE TABLE "signing_keys" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "kek_version" INTEGER NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "private_key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "activates_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "webapps" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "webapp_kind" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "owner_user_id" UUID NOT NULL,
    "owner_login" TEXT NOT NULL,
    "last_modified_by_user_id" UUID NOT NULL,
    "last_modified_by_login" TEXT NOT NULL,
    "identity_mode" "identity_mode" NOT NULL DEFAULT 'run_as_user',
    "run_as_user_id" UUID,
    "run_as_login" TEXT,
    "access" "webapp_access" NOT NULL DEFAULT 'authenticated',
    "hide_access_tokens" BOOLEAN NOT NULL DEFAULT false,
    "mount_datasets" BOOLEAN NOT NULL DEFAULT true,
    "propagate_identity_header" BOOLEAN NOT NULL DEFAULT true,
    "propagate_identity_jwt" BOOLEAN NOT NULL DEFAULT false,
    "allow_impersonation" BOOLEAN NOT NULL DEFAULT false,
    "all_secrets" BOOLEAN NOT NULL DEFAULT false,
    "secret_names" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webapps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webapp_viewer_users" (
    "webapp_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,

    CONSTRAINT "webapp_viewer_users_pkey" PRIMARY KEY ("webapp_id","user_id")
);

-- CreateTable
CREATE TABLE "webapp_viewer_groups" (
    "webapp_id" UUID NOT NULL,
    "group_id" UUID NOT NULL,

    CONSTRAINT "webapp_viewer_groups_pkey" PRIMARY KEY ("webapp_id","group_id")
);

-- CreateTable
CREATE TABLE "webapp_runs" (
    "id" UUID NOT NULL,
    "webapp_id" UUID NOT NULL,
    "identity_user_id" UUID NOT NULL,
    "identity_login" TEXT NOT NULL,
    "identity_source" "run_as_source" NOT NULL,
    "started_by_user_id" UUID NOT NULL,
    "started_by_login" TEXT NOT NULL,
    "upstream_url" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "webapp_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webapps_owner_user_id_idx" ON "webapps"("owner_user_id");

-- CreateIndex
CREATE INDEX "webapp_viewer_users_user_id_idx" ON "webapp_viewer_users"("user_id");

-- CreateIndex
CREATE INDEX "webapp_viewer_groups_group_id_idx" ON "webapp_viewer_groups"("group_id");

-- CreateIndex
CREATE INDEX "webapp_runs_webapp_id_started_at_idx" ON "webapp_runs"("webapp_id", "started_at");

-- AddForeignKey
ALTER TABLE "webapp_viewer_users" ADD CONSTRAINT "webapp_viewer_users_webapp_id_fkey" FOREIGN KEY ("webapp_id") REFERENCES "webapps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webapp_viewer_users" ADD CONSTRAINT "webapp_viewer_users_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webapp_viewer_groups" ADD CONSTRAINT "webapp_viewer_groups_webapp_id_fkey" FOREIGN KEY ("webapp_id") REFERENCES "webapps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webapp_viewer_groups" ADD CONSTRAINT "webapp_viewer_groups_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webapp_runs" ADD CONSTRAINT "webapp_runs_webapp_id_fkey" FOREIGN KEY ("webapp_id") REFERENCES "webapps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every replica caches signing keys, webapp settings and run states (backend tokens die with
-- their run). Committed changes notify all of them on the policy channel, with the table's name,
-- whoever made them. Starting a run cannot invalidate anything, so inserts of runs are silent.
CREATE TRIGGER "signing_keys_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "signing_keys"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "webapps_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "webapps"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "webapp_viewer_users_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "webapp_viewer_users"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "webapp_viewer_groups_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "webapp_viewer_groups"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "webapp_runs_policy_changed" AFTER UPDATE OR DELETE OR TRUNCATE ON "webapp_runs"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
