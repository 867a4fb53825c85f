-- The dashboard reads saved answers. Each member of a run keeps the features and lifetime-value figures it
-- was segmented with, so a run's tables, profiles and insights are queries over segment_members alone; and
-- each analytics query's rows are kept in query_results, per dataset version or per run (runs never change),
-- so a page reads them back instead of computing them again for every reader.

-- AlterTable
ALTER TABLE "segment_members" ADD COLUMN "recency_days" INTEGER,
ADD COLUMN "frequency" INTEGER,
ADD COLUMN "monetary" DECIMAL(20,2),
ADD COLUMN "average_order_value" DECIMAL(20,2),
ADD COLUMN "tenure_days" INTEGER,
ADD COLUMN "products" INTEGER,
ADD COLUMN "return_rate" DECIMAL(10,4),
ADD COLUMN "p_alive" DOUBLE PRECISION,
ADD COLUMN "expected_purchases" DOUBLE PRECISION,
ADD COLUMN "clv" DECIMAL(20,2);

-- CreateTable
CREATE TABLE "query_results" (
    "scope" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "rows" JSONB NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "query_results_pkey" PRIMARY KEY ("scope","name")
);
