-- CreateTable
CREATE TABLE "impersonation_grants" (
    "source_group_id" UUID NOT NULL,
    "target_group_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by_user_id" UUID,
    "created_by_login" TEXT,

    CONSTRAINT "impersonation_grants_pkey" PRIMARY KEY ("source_group_id","target_group_id")
);

-- CreateIndex
CREATE INDEX "impersonation_grants_target_group_id_idx" ON "impersonation_grants"("target_group_id");

-- AddForeignKey
ALTER TABLE "impersonation_grants" ADD CONSTRAINT "impersonation_grants_source_group_id_fkey" FOREIGN KEY ("source_group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "impersonation_grants" ADD CONSTRAINT "impersonation_grants_target_group_id_fkey" FOREIGN KEY ("target_group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every replica caches policy decisions. Any committed change to what a decision depends on
-- (memberships, grants, users' status, groups' admin flag, settings) notifies all of them,
-- whoever made it: the API, a script, or SQL by hand. Statement-level, so bulk changes notify once.
CREATE FUNCTION "behalf_notify_policy_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('behalf_policy_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER "memberships_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "memberships"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "impersonation_grants_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "impersonation_grants"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "users_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "users"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "groups_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "groups"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
CREATE TRIGGER "settings_policy_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "settings"
    FOR EACH STATEMENT EXECUTE FUNCTION "behalf_notify_policy_change"();
