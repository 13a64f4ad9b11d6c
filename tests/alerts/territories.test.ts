import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTerritories, territoryRouter } from '../../src/alerts/territories.js';
import { buildRouter } from '../../src/channels/channels.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const example = loadTerritories(path.resolve('config/territories.example.json'));
const router = territoryRouter(example);

describe('territory routing', () => {
  it.each([
    ['31200', 'cpts-toulouse-nord', false], // exact
    ['31 200', 'cpts-toulouse-nord', false], // spaces are forgiven
    ['31400', 'cpts-toulouse-sud', false], // exact in the south
    ['31450', 'cpts-toulouse-sud', false], // longer prefix 314* wins over 31*
    ['31500', 'dac-31', false], // only the department prefix
    ['75011', 'cpts-toulouse-nord', true], // unknown: the default territory, flagged unrouted
    [null, 'cpts-toulouse-nord', true],
  ])('%s → %s', (postcode, id, unrouted) => {
    const t = router.route(postcode);
    expect(t.id).toBe(id);
    expect(t.unrouted ?? false).toBe(unrouted);
  });

  it('a border postcode listed exactly by one network is not taken by a neighbour\'s prefix', () => {
    const r = territoryRouter({
      defaultTerritory: 'a',
      territories: [
        { id: 'a', name: 'A', postcodes: ['311*'], takeWithinHours: 48 },
        { id: 'b', name: 'B', postcodes: ['31140'], takeWithinHours: 24 },
      ],
    });
    expect(r.route('31140').id).toBe('b');
    expect(r.route('31150').id).toBe('a');
  });

  it('gives each territory its groups, phone and delay', () => {
    const sud = router.byId('cpts-toulouse-sud')!;
    expect(sud.targets).toEqual([
      { channel: 'whatsapp', address: '120363000000000002@g.us' },
      { channel: 'telegram', address: '-1001234567890' },
    ]);
    expect(sud.takeWithin).toBe('PT24H');
    expect(router.byId('dac-31')!.takeWithin).toBe('PT48H');
  });

  it('reads the delays as ISO-8601 durations, the escalation group, the promises and the resources', () => {
    const nord = router.byId('cpts-toulouse-nord')!;
    expect(nord).toMatchObject({
      takeWithin: 'PT48H',
      escalateAfter: 'PT72H',
      urgentEscalateAfter: 'PT2H',
      escalationTargets: [{ channel: 'whatsapp', address: '120363000000000009@g.us' }],
      callbackWithin: 'P3D',
      busyAbove: 15,
    });
    expect(nord.resources.mobility?.[0]).toEqual({ name: 'Atelier équilibre de la CPTS', phone: '05 61 00 00 02', offer: 'prévention des chutes' });
    const file = path.join(tmpdir(), `territories-${Date.now()}-d.json`);
    writeFileSync(file, JSON.stringify({ defaultTerritory: 'x', territories: [{ id: 'x', name: 'X', escalateAfter: '3 days' }] }));
    expect(() => buildRouter(loadConfig({ TERRITORIES_FILE: file }))).toThrow(/escalateAfter.*ISO-8601 duration such as PT48H/s);
    writeFileSync(file, JSON.stringify({ defaultTerritory: 'x', territories: [{ id: 'x', name: 'X', resources: { memory: [] } }] }));
    expect(() => buildRouter(loadConfig({ TERRITORIES_FILE: file }))).toThrow(ConfigError);
  });

  it('without a file, one territory from the environment', () => {
    const r = buildRouter(loadConfig({ WHATSAPP_ENABLED: 'true', COORDINATOR_WHATSAPP_GROUP_ID: '123@g.us', TERRITORY_NAME: 'MSP du Lac', ALERT_TAKE_WITHIN_HOURS: '24' }));
    expect(r.route('99999')).toMatchObject({ name: 'MSP du Lac', takeWithin: 'PT24H', targets: [{ channel: 'whatsapp', address: '123@g.us' }] });
  });

  it('a broken territories file stops the bot with one clear line', () => {
    const file = path.join(tmpdir(), `territories-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify({ defaultTerritory: 'x', territories: [{ id: 'y', name: 'Y', whatsappGroupId: 'not-a-group' }] }));
    expect(() => buildRouter(loadConfig({ TERRITORIES_FILE: file }))).toThrow(ConfigError);
    expect(() => buildRouter(loadConfig({ TERRITORIES_FILE: file }))).toThrow(/TERRITORIES_FILE .* is not a valid territories file: .*@g\.us/);
  });
});
