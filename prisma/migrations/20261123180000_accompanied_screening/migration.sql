-- Issue 9: accompanied screening (helper kind, place, screening day), consent per person with who gave
-- it, whose callback number, where people came from, and how clear the questions were.
ALTER TABLE "Contact" ADD COLUMN "helperKind" TEXT;
ALTER TABLE "Contact" ADD COLUMN "lastPlace" TEXT;
ALTER TABLE "Contact" ADD COLUMN "source" TEXT;
ALTER TABLE "Person" ADD COLUMN "consentBy" TEXT;
ALTER TABLE "Screening" ADD COLUMN "helperKind" TEXT;
ALTER TABLE "Screening" ADD COLUMN "place" TEXT;
ALTER TABLE "Screening" ADD COLUMN "sessionId" TEXT;
ALTER TABLE "Screening" ADD COLUMN "source" TEXT;
ALTER TABLE "Screening" ADD COLUMN "clarity" TEXT;
ALTER TABLE "Alert" ADD COLUMN "callbackWhose" TEXT;
CREATE INDEX "Screening_sessionId_idx" ON "Screening"("sessionId");
-- Before this version consent was asked once per chat account: it stands for people screened in self
-- mode; people screened by someone else were never asked themselves, and will be at their next screening.
UPDATE "Person" SET "consentBy" = 'self'
WHERE "consentAt" IS NOT NULL AND EXISTS (SELECT 1 FROM "Screening" s WHERE s."personId" = "Person"."id" AND s."mode" = 'self');
