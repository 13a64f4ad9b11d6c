-- A send interrupted by a crash is retried at once by the next run, and known as possibly repeated.
-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedBy" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "interrupted" BOOLEAN NOT NULL DEFAULT false;
