-- The coordinators' web workspace: one-use login links, sessions, and the access log.
CREATE TABLE "WebLogin" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "territories" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL
);

CREATE TABLE "WebSession" (
    "idHash" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "territories" TEXT NOT NULL,
    "csrf" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);
CREATE INDEX "WebSession_expiresAt_idx" ON "WebSession"("expiresAt");

CREATE TABLE "AccessLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "who" TEXT NOT NULL,
    "territoryId" TEXT,
    "action" TEXT NOT NULL,
    "target" TEXT
);
CREATE INDEX "AccessLog_territoryId_at_idx" ON "AccessLog"("territoryId", "at");
