-- A dataset's currency (issue 17, item 14): an ISO 4217 code the analyst sets on the dataset page. Null: not set,
-- and the pages use the guess from the dataset's countries (lib/currency.ts), said to be a guess.

-- AlterTable
ALTER TABLE "datasets" ADD COLUMN "currency" CHAR(3);
