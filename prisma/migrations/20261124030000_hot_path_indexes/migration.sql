-- Indexes for the coordinator and erase paths (no full scan of Alert or OutboxMessage there).
-- CreateIndex
CREATE INDEX "Alert_personId_createdAt_idx" ON "Alert"("personId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_externalId_idx" ON "OutboxMessage"("externalId");
