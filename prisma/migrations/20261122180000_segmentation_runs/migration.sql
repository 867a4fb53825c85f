-- CreateEnum
CREATE TYPE "segmentation_method" AS ENUM ('rfm', 'kmeans', 'hierarchical');

-- CreateTable
CREATE TABLE "segmentation_runs" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "method" "segmentation_method" NOT NULL,
    "params" JSONB NOT NULL,
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "customers" INTEGER NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "segmentation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segments" (
    "run_id" INTEGER NOT NULL,
    "segment_no" SMALLINT NOT NULL,
    "name" TEXT NOT NULL,
    "customers" INTEGER NOT NULL,
    "orders" INTEGER NOT NULL,
    "revenue" DECIMAL(20,2) NOT NULL,
    "profile" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "segments_pkey" PRIMARY KEY ("run_id","segment_no")
);

-- CreateTable
CREATE TABLE "segment_members" (
    "run_id" INTEGER NOT NULL,
    "customer_id" TEXT NOT NULL,
    "segment_no" SMALLINT NOT NULL,
    "recency_score" SMALLINT,
    "frequency_score" SMALLINT,
    "monetary_score" SMALLINT,

    CONSTRAINT "segment_members_pkey" PRIMARY KEY ("run_id","customer_id")
);

-- CreateIndex
CREATE INDEX "segmentation_runs_dataset_id_idx" ON "segmentation_runs"("dataset_id");

-- CreateIndex
CREATE INDEX "segment_members_run_id_segment_no_idx" ON "segment_members"("run_id", "segment_no");

-- AddForeignKey
ALTER TABLE "segmentation_runs" ADD CONSTRAINT "segmentation_runs_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segments" ADD CONSTRAINT "segments_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "segmentation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
