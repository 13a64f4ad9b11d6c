-- Issue 8: danger category and callback number on alerts, domains to complete, the contact's own
-- callback number, and coordinator messages linked to the contact they are about (for erasure).
ALTER TABLE "Contact" ADD COLUMN "phone" TEXT;
ALTER TABLE "Alert" ADD COLUMN "toComplete" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "Alert" ADD COLUMN "danger" TEXT;
ALTER TABLE "Alert" ADD COLUMN "callbackPhone" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "aboutContactId" TEXT;
CREATE INDEX "OutboxMessage_aboutContactId_idx" ON "OutboxMessage"("aboutContactId");
-- Urgent alerts raised before this version were all words of distress.
UPDATE "Alert" SET "danger" = 'distress' WHERE "priority" = 'urgent';
