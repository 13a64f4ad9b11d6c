-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Alert" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contactId" TEXT NOT NULL,
    "personId" TEXT,
    "screeningId" TEXT,
    "domains" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'new',
    "territoryId" TEXT NOT NULL DEFAULT 'default',
    "unrouted" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastPostedAt" DATETIME,
    "postCount" INTEGER NOT NULL DEFAULT 0,
    "takenAt" DATETIME,
    "takenBy" TEXT,
    "closedAt" DATETIME,
    "closedBy" TEXT,
    "outcome" TEXT,
    "note" TEXT,
    CONSTRAINT "Alert_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Alert_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Alert_screeningId_fkey" FOREIGN KEY ("screeningId") REFERENCES "Screening" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Alert" ("closedAt", "closedBy", "contactId", "createdAt", "domains", "id", "note", "outcome", "personId", "priority", "screeningId", "status", "takenAt", "takenBy") SELECT "closedAt", "closedBy", "contactId", "createdAt", "domains", "id", "note", "outcome", "personId", "priority", "screeningId", "status", "takenAt", "takenBy" FROM "Alert";
DROP TABLE "Alert";
ALTER TABLE "new_Alert" RENAME TO "Alert";
CREATE UNIQUE INDEX "Alert_screeningId_key" ON "Alert"("screeningId");
CREATE INDEX "Alert_status_createdAt_idx" ON "Alert"("status", "createdAt");
CREATE INDEX "Alert_territoryId_status_idx" ON "Alert"("territoryId", "status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

