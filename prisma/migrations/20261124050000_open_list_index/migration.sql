-- /ouvertes pages through a territory's open alerts in the order they came.
-- CreateIndex
CREATE INDEX "Alert_territoryId_status_createdAt_idx" ON "Alert"("territoryId", "status", "createdAt");
