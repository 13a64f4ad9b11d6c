-- The dispatcher picks the next sendable row per channel and per address from the database.
-- CreateIndex
CREATE INDEX "OutboxMessage_channel_status_priority_id_idx" ON "OutboxMessage"("channel", "status", "priority", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_address_status_id_idx" ON "OutboxMessage"("channel", "address", "status", "id");
