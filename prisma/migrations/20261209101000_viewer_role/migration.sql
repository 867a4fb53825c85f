-- Roles (issue 17, item 9): a read-only viewer role, and who uploaded a dataset (the uploader or an admin may
-- delete it). Datasets loaded before this migration have no uploader: only an admin deletes them.

-- AlterEnum
ALTER TYPE "user_role" ADD VALUE 'viewer';

-- AlterTable
ALTER TABLE "datasets" ADD COLUMN "created_by" INTEGER;

-- AddForeignKey
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
