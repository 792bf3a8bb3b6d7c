-- CreateEnum
CREATE TYPE "dataset_group_access" AS ENUM ('read', 'write');

-- CreateTable
CREATE TABLE "datasets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "owner_user_id" UUID NOT NULL,
    "owner_login" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dataset_group_permissions" (
    "dataset_id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "access" "dataset_group_access" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dataset_group_permissions_pkey" PRIMARY KEY ("dataset_id","group_id")
);

-- CreateTable
CREATE TABLE "dataset_files" (
    "dataset_id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "blob_id" UUID NOT NULL,
    "size" BIGINT NOT NULL,
    "content_type" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dataset_files_pkey" PRIMARY KEY ("dataset_id","path")
);

-- CreateIndex
CREATE UNIQUE INDEX "datasets_name_key" ON "datasets"("name");

-- CreateIndex
CREATE INDEX "datasets_owner_user_id_idx" ON "datasets"("owner_user_id");

-- CreateIndex
CREATE INDEX "dataset_group_permissions_group_id_idx" ON "dataset_group_permissions"("group_id");

-- AddForeignKey
ALTER TABLE "dataset_group_permissions" ADD CONSTRAINT "dataset_group_permissions_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_group_permissions" ADD CONSTRAINT "dataset_group_permissions_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_files" ADD CONSTRAINT "dataset_files_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
