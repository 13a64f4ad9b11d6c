// Prisma CLI configuration: offline WebAssembly schema engine through the better-sqlite3 adapter.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { DEFAULT_DATABASE_URL, sqliteFilePath } from './src/db/url.js';

// The schema reads env("DATABASE_URL"): give it the default so the CLI never falls back to downloading engines.
const url = (process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  async adapter() {
    mkdirSync(path.dirname(sqliteFilePath(url)), { recursive: true });
    return new PrismaBetterSQLite3({ url });
  },
});
