import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, renderCsv } from '../../reports/csv.js';
import { hostile, mergedIncident, relativeOnly } from './fixtures.js';

describe('CSV findings', () => {
  it('writes one row per finding with the named columns, readable back by csv-parse', () => {
    const r = mergedIncident();
    const rows = parse(renderCsv(r, {}), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS, 'redacted']);
    expect(rows).toHaveLength(r.findings.length);
    rows.forEach((row, i) => {
      const f = r.findings[i];
      expect(row.id).toBe(f.id);
      expect(row.detector).toBe(f.detector);
      expect(row.severity).toBe(f.severity);
      expect(Number(row.start)).toBe(f.start);
      expect(row.title).toBe(f.title);
      expect(row.redacted).toBe('yes');
    });
    expect(rows[0].inputs.split('; ')).toEqual(['curl/reset-v.txt', 'capture/reset.pcap', 'incident-1/app.strace']);
    expect(rows[0].evidence).toBe('curl/reset-v.txt:14; capture/reset.pcap#40; incident-1/app.strace:42');
    expect(rows[0].start_time).toBe('2026-11-23 02:13:21.800000');
  });

  it('keeps trace text with commas, quotes and line breaks in one cell', () => {
    const r = hostile();
    const rows = parse(renderCsv(r, {}), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0].title).toBe(r.findings[0].title);
  });

  it('defuses cells that a spreadsheet would run as formulas, but not negative times', () => {
    const r = relativeOnly();
    r.findings[0].title = '=HYPERLINK("http://evil","x")';
    r.findings[0].start = -0.25;
    const rows = parse(renderCsv(r, {}), { columns: true }) as Record<string, string>[];
    expect(rows[0].title).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(rows[0].start).toBe('-0.25');
  });

  it('writes just the header when there are no findings', () => {
    const r = mergedIncident();
    r.findings = [];
    expect(renderCsv(r, {})).toBe([...CSV_COLUMNS, 'redacted'].join(',') + '\n');
  });
});
