import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.js';

/** Stages import one way: parsers → model ← analysis ← detectors; reports read the model only. */
const RULES: { stage: string; may: string[] }[] = [
  { stage: 'src/model', may: ['src/model'] },
  { stage: 'parsers', may: ['parsers', 'src/model'] },
  { stage: 'src/analysis', may: ['src/analysis', 'src/model'] },
  { stage: 'src/detectors', may: ['src/detectors', 'src/analysis', 'src/model'] },
  { stage: 'reports', may: ['reports', 'src/model'] },
  // The pipeline wires parsers, analyses and detectors; rendering is the caller's choice.
  { stage: 'src/sources', may: ['src/sources', 'src/model'] },
  { stage: 'src/pipeline', may: ['src/pipeline', 'src/model', 'src/sources', 'parsers', 'src/analysis', 'src/detectors'] },
  // Comparing two incidents: runs both through the pipeline, renders through the CLI.
  { stage: 'src/diff', may: ['src/diff', 'src/model', 'src/pipeline'] },
  // Runners run specs: in-process, a worker-thread pool. They never render.
  { stage: 'src/runner', may: ['src/runner', 'src/model', 'src/sources', 'src/pipeline'] },
  // The front ends above the pipeline: only these and the CLI import reports.
  { stage: 'src/batch', may: ['src/batch', 'src/model', 'src/sources', 'src/pipeline', 'src/runner', 'reports'] },
  { stage: 'src/serve', may: ['src/serve', 'src/model', 'src/sources', 'src/pipeline', 'src/runner', 'reports'] },
  { stage: 'src/queue', may: ['src/queue', 'src/model', 'src/sources', 'src/pipeline', 'src/runner', 'reports'] },
  // Commands stay thin: they call the library and a report, nothing below them.
  { stage: 'src/cli', may: ['src/cli', 'src/model', 'src/pipeline', 'src/sources', 'src/runner', 'src/batch', 'src/serve', 'src/queue', 'src/diff', 'reports'] },
];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('architecture', () => {
  for (const rule of RULES) {
    it(`${rule.stage} imports only ${rule.may.join(', ')} of ours`, () => {
      const bad: string[] = [];
      const dir = path.join(repoRoot, rule.stage);
      let files: string[] = [];
      try {
        files = tsFiles(dir);
      } catch {
        return; // a stage not built yet
      }
      for (const file of files) {
        const src = readFileSync(file, 'utf8');
        for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm)) {
          const spec = m[1] ?? m[2] ?? m[3];
          const target = path.relative(repoRoot, path.resolve(path.dirname(file), spec));
          if (!rule.may.some((ok) => target === ok || target.startsWith(`${ok}/`))) {
            bad.push(`${path.relative(repoRoot, file)} → ${target}`);
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
