/** Migrates one template database with the real Prisma migrations; tests copy it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate.js';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'icope-template-'));
  const file = path.join(dir, 'template.db');
  await migrate(`file:${file}`);
  project.provide('templateDb', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}
