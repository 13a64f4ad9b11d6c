import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toMatch(/^file:\/.*data\/icope\.db$/);
    expect(c.DEFAULT_LANGUAGE).toBe('fr');
    expect(c.DEFAULT_TIME_ZONE).toBe('Europe/Paris');
    expect(c.supportLines.map((l) => l.number)).toEqual(['3114', '15', '112', '0 800 47 47 88']);
  });

  it.each([
    [{ DEFAULT_LANGUAGE: 'de' }, /DEFAULT_LANGUAGE="de" is not valid/],
    [{ DEFAULT_TIME_ZONE: 'Mars/Olympus' }, /DEFAULT_TIME_ZONE="Mars\/Olympus" is not valid: expected an IANA time zone/],
    [{ DATABASE_URL: 'postgres://x' }, /DATABASE_URL="postgres:\/\/x" is not valid: expected a SQLite URL/],
    [{ OUTBOX_MAX_ATTEMPTS: 'many' }, /OUTBOX_MAX_ATTEMPTS="many" is not valid/],
    [{ COUNTRY: 'france' }, /COUNTRY="france" is not valid: expected a two-letter country code/],
    [{ SUPPORT_LINES_FILE: 'nope.json' }, /SUPPORT_LINES_FILE \(.*nope\.json\) could not be read/],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('falls back to the default support lines for another country', () => {
    expect(loadConfig({ COUNTRY: 'BE' }).supportLines).toEqual([{ number: '112', label: 'emergency' }]);
  });
});
