-- CreateEnum
CREATE TYPE "import_kind" AS ENUM ('transactions', 'customers');

-- CreateEnum
CREATE TYPE "import_status" AS ENUM ('running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "datasets" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "is_sample" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customers" (
    "id" BIGSERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "external_id" TEXT NOT NULL,
    "age" INTEGER,
    "gender" TEXT,
    "country" TEXT,
    "city" TEXT,
    "signup_date" DATE,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "import_id" INTEGER,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transaction_lines" (
    "id" BIGSERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "import_id" INTEGER,
    "invoice_no" TEXT NOT NULL,
    "stock_code" TEXT,
    "description" TEXT,
    "quantity" INTEGER NOT NULL,
    "invoice_date" TIMESTAMP(0) NOT NULL,
    "unit_price" DECIMAL(20,6) NOT NULL,
    "customer_id" TEXT,
    "country" TEXT,

    CONSTRAINT "transaction_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "imports" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER,
    "kind" "import_kind" NOT NULL,
    "status" "import_status" NOT NULL DEFAULT 'running',
    "file_name" TEXT NOT NULL,
    "byte_count" BIGINT NOT NULL DEFAULT 0,
    "row_count" INTEGER NOT NULL DEFAULT 0,
    "rows_loaded" INTEGER NOT NULL DEFAULT 0,
    "report" JSONB,
    "error" JSONB,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "customers_dataset_id_external_id_key" ON "customers"("dataset_id", "external_id");

-- CreateIndex
CREATE INDEX "transaction_lines_dataset_customer_date_idx" ON "transaction_lines"("dataset_id", "customer_id", "invoice_date");

-- CreateIndex
CREATE INDEX "transaction_lines_dataset_date_idx" ON "transaction_lines"("dataset_id", "invoice_date");

-- CreateIndex
CREATE INDEX "imports_dataset_id_idx" ON "imports"("dataset_id");

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction_lines" ADD CONSTRAINT "transaction_lines_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction_lines" ADD CONSTRAINT "transaction_lines_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "imports" ADD CONSTRAINT "imports_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
