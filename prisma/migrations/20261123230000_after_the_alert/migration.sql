-- After the alert: GP, escalation, Step 2, messages through the bot, coordinators' private chats.
ALTER TABLE "Person" ADD COLUMN "hasGp" TEXT;
ALTER TABLE "Person" ADD COLUMN "gpName" TEXT;
ALTER TABLE "Alert" ADD COLUMN "takerChannel" TEXT;
ALTER TABLE "Alert" ADD COLUMN "takerAddress" TEXT;
ALTER TABLE "Alert" ADD COLUMN "escalatedAt" DATETIME;
ALTER TABLE "Alert" ADD COLUMN "step2At" DATETIME;
ALTER TABLE "Alert" ADD COLUMN "step2Place" TEXT;
ALTER TABLE "Alert" ADD COLUMN "relayOpen" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Alert" ADD COLUMN "transferredFrom" TEXT;
ALTER TABLE "Reminder" ADD COLUMN "alertId" INTEGER;

CREATE TABLE "AlertMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "alertId" INTEGER NOT NULL,
    "direction" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "by" TEXT,
    "at" DATETIME NOT NULL,
    CONSTRAINT "AlertMessage_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "AlertMessage_alertId_at_idx" ON "AlertMessage"("alertId", "at");

CREATE TABLE "Coordinator" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "name" TEXT,
    "privateChat" BOOLEAN NOT NULL DEFAULT false,
    "lastSeenAt" DATETIME NOT NULL
);
CREATE UNIQUE INDEX "Coordinator_channel_address_key" ON "Coordinator"("channel", "address");
