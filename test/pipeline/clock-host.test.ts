/**
 * The machine's zone, known without ICU where the machine is plainly on UTC (issue 14: the first
 * Intl.DateTimeFormat costs 20–50 ms of a small file's start-up). The shortcut must say exactly
 * what Intl says, or stand aside.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isValidTimezone, machineTimezone, UTC_NAMES, utcHost } from '../../src/pipeline/clock.js';

const UTC_SPELLINGS = [...UTC_NAMES];

/** What Intl answers under each TZ, asked in a child process (a TZ set here would reach the other tests of this worker). */
function intlZones(tzs: string[]): string[] {
  const script = `const out = [];
for (const tz of JSON.parse(process.argv[1])) { process.env.TZ = tz; out.push(Intl.DateTimeFormat().resolvedOptions().timeZone ?? null); }
process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(tzs)], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

describe("the machine's time zone", () => {
  it('is UTC by name for every spelling Intl itself reads as UTC, with or without POSIX\'s leading colon', () => {
    expect(UTC_SPELLINGS).toContain('Etc/UTC');
    const asked = [...UTC_SPELLINGS, ...UTC_SPELLINGS.map((z) => `:${z}`)];
    expect(intlZones(asked)).toEqual(asked.map(() => 'UTC'));
    for (const tz of asked) expect(utcHost(tz, undefined)).toBe('UTC');
  });

  it('leaves every other TZ to Intl: another zone, an empty TZ, a spelling Intl does not take', () => {
    for (const tz of ['Europe/Paris', 'America/New_York', '', 'utc', 'UTC+1', 'Etc/GMT+1', 'posix/UTC', 'EST5EDT']) {
      expect(utcHost(tz, '/usr/share/zoneinfo/Etc/UTC')).toBeUndefined();
    }
  });

  it('reads an unset TZ from where /etc/localtime links to, as ICU does, and only a UTC name under zoneinfo/', () => {
    expect(utcHost(undefined, '/usr/share/zoneinfo/Etc/UTC')).toBe('UTC');
    expect(utcHost(undefined, '../usr/share/zoneinfo/UTC')).toBe('UTC');
    expect(utcHost(undefined, '/usr/share/zoneinfo/Etc/Zulu')).toBe('UTC');
    expect(utcHost(undefined, '/usr/share/zoneinfo/Europe/London')).toBeUndefined();
    expect(utcHost(undefined, '/usr/share/zoneinfo/posix/Etc/UTC')).toBeUndefined();
    expect(utcHost(undefined, '/etc/UTC')).toBeUndefined();
    // no link: a copied file, or no /etc/localtime at all
    expect(utcHost(undefined, undefined)).toBeUndefined();
  });

  it('is what Intl says on this machine, whichever way it was found', () => {
    expect(machineTimezone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  });

  it('takes UTC as valid without asking Intl, and still asks it for every other name', () => {
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('Europe/Berlin')).toBe(true);
    expect(isValidTimezone('utc')).toBe(true);
    expect(isValidTimezone('Mars/Olympus_Mons')).toBe(false);
  });
});
