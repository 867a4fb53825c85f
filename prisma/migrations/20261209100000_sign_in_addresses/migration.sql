-- The addresses each account has signed in from (issue 17, item 8). Sign-in throttling blocks an account
-- across addresses when it is guessed at from many of them; an address it has signed in from before is not
-- blocked by that (nor by its address's limit across accounts), only by the limit of its own pair.

-- CreateTable
CREATE TABLE "sign_in_addresses" (
    "user_id" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "last_success_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_addresses_pkey" PRIMARY KEY ("user_id","address")
);

-- AddForeignKey
ALTER TABLE "sign_in_addresses" ADD CONSTRAINT "sign_in_addresses_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
