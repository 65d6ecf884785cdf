import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSpec, isValidTimezone, validateSpec } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

const log = path.join(samplesDir, 'curl/php-errors.log');

/** What the default date format says of a zone: the judge isValidTimezone must agree with. */
function defaultFormatTakes(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('time zones of a run spec', () => {
  it.each(['UTC', 'utc', 'Etc/UTC', 'Europe/Paris', 'America/New_York', 'US/Eastern', 'Etc/GMT+5', 'EST5EDT', 'Asia/Kolkata', 'Nope/Zone', '+05:00', 'Z', '', 'Europe/Paris '])(
    'judges %j as the default date format does',
    (tz) => {
      expect(isValidTimezone(tz)).toBe(defaultFormatTakes(tz));
    },
  );

  it('judges the zone again where it changed since, or where the spec was cloned (another thread, process or Redis)', async () => {
    const spec = await buildSpec([log], { tz: ['Europe/Paris'] });
    expect(() => validateSpec({ ...spec, timezone: 'Nope/Zone' })).toThrow(/unknown time zone Nope\/Zone/);
    const changed = await buildSpec([log], { tz: ['Europe/Paris'] });
    changed.timezone = 'Nope/Zone';
    expect(() => validateSpec(changed)).toThrow(/unknown time zone/);
    const clone = structuredClone(spec);
    expect(JSON.stringify(clone)).toBe(JSON.stringify(spec));
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    validateSpec(clone);
    expect(made).toHaveBeenCalled();
    expect(() => validateSpec({ ...structuredClone(spec), timezone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });

  it('refuses an unknown zone given as a flag', async () => {
    await expect(buildSpec([log], { tz: ['Nope/Zone'] })).rejects.toThrow(/unknown time zone 'Nope\/Zone'/);
  });
});
