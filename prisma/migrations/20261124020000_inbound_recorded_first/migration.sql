-- Inbound messages are recorded as received (contact not yet known, payload kept) before being handled.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_InboundMessage" (
    "channel" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "contactId" TEXT,
    "kind" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME,
    "payload" TEXT,

    PRIMARY KEY ("channel", "externalId"),
    CONSTRAINT "InboundMessage_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_InboundMessage" ("channel", "externalId", "contactId", "kind", "receivedAt", "recordedAt", "processedAt") SELECT "channel", "externalId", "contactId", "kind", "receivedAt", "processedAt", "processedAt" FROM "InboundMessage";
DROP TABLE "InboundMessage";
ALTER TABLE "new_InboundMessage" RENAME TO "InboundMessage";
CREATE INDEX "InboundMessage_processedAt_idx" ON "InboundMessage"("processedAt");
CREATE INDEX "InboundMessage_contactId_idx" ON "InboundMessage"("contactId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
