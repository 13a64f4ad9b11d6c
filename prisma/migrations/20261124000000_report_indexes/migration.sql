-- The network's figures (src/reports): what each screening counts for, kept on it so that a year of
-- a million persons is read from indexes alone; covering indexes read in their own order.
-- AlterTable
ALTER TABLE "Screening" ADD COLUMN "remindedAt" DATETIME;
ALTER TABLE "Screening" ADD COLUMN "rescreenedAt" DATETIME;
ALTER TABLE "Screening" ADD COLUMN "territoryId" TEXT;

-- CreateIndex
CREATE INDEX "Person_figures_idx" ON "Person"("id", "postcode");

-- CreateIndex
CREATE INDEX "Screening_figures_step1_idx" ON "Screening"("territoryId", "kind", "mode", "helperKind", "clarity", "completedAt", "rescreenedAt");

-- CreateIndex
CREATE INDEX "Screening_figures_done_idx" ON "Screening"("completedAt", "territoryId");

-- CreateIndex
CREATE INDEX "Screening_figures_helpers_idx" ON "Screening"("mode", "contactId", "helperKind", "place", "completedAt", "territoryId");

-- CreateIndex
CREATE INDEX "Screening_figures_sources_idx" ON "Screening"("source", "completedAt", "territoryId");

-- CreateIndex
CREATE INDEX "Screening_figures_abandoned_idx" ON "Screening"("abandonedAt", "territoryId", "personId");

-- CreateIndex
CREATE INDEX "Screening_figures_due_idx" ON "Screening"("nextDueAt", "territoryId", "rescreenedAt", "remindedAt", "id");

-- CreateIndex
CREATE INDEX "Alert_contactId_closedAt_idx" ON "Alert"("contactId", "closedAt");

-- CreateIndex
CREATE INDEX "Alert_figures_idx" ON "Alert"("territoryId", "priority", "status", "outcome", "danger", "createdAt", "step2At");

-- CreateIndex
CREATE INDEX "Alert_figures_domains_idx" ON "Alert"("territoryId", "domains", "createdAt");

-- CreateIndex
CREATE INDEX "Alert_figures_tocomplete_idx" ON "Alert"("territoryId", "toComplete", "createdAt");

-- CreateIndex
CREATE INDEX "Alert_figures_delays_idx" ON "Alert"("territoryId", "createdAt", "takenAt", "closedAt");

-- CreateIndex
CREATE INDEX "Alert_figures_taken_idx" ON "Alert"("takenBy", "takenAt", "territoryId");

-- CreateIndex
CREATE INDEX "Alert_figures_closed_idx" ON "Alert"("closedBy", "closedAt", "territoryId");

-- CreateIndex
CREATE INDEX "Reminder_figures_idx" ON "Reminder"("dueAt", "screeningId", "kind", "status", "reason", "doneAt");

-- Screenings completed before this migration: the territory of their alert, when they have one (the
-- figures route the others by their person's postcode when they are read).
UPDATE "Screening" SET "territoryId" = (SELECT "territoryId" FROM "Alert" WHERE "Alert"."screeningId" = "Screening"."id")
WHERE "territoryId" IS NULL AND "status" = 'completed';

-- When each completed screening's person completed their next one.
UPDATE "Screening" SET "rescreenedAt" = (
  SELECT MIN(n."completedAt") FROM "Screening" n
  WHERE n."personId" = "Screening"."personId" AND n."status" = 'completed' AND n."completedAt" > "Screening"."completedAt")
WHERE "status" = 'completed' AND "personId" IS NOT NULL;

-- When its re-screening reminder was first sent.
UPDATE "Screening" SET "remindedAt" = (
  SELECT MIN(r."doneAt") FROM "Reminder" r
  WHERE r."dueAt" = "Screening"."nextDueAt" AND r."screeningId" = "Screening"."id" AND r."kind" = 'rescreen' AND r."status" = 'done' AND r."reason" = 'sent')
WHERE "status" = 'completed' AND "nextDueAt" IS NOT NULL;
