/**
 * Stages import one way. Every folder under src/ is a stage and must have a row below (an
 * unlisted folder fails: A NEW FOLDER NEEDS A ROW, with what it may import and why); parsers/
 * and reports/ are one stage each. Static imports, re-exports, `import type`, and dynamic
 * `import()` (string or template literal) are all checked; the stages may not import each other
 * in a cycle, neither as the rows allow nor as the code does.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  // Where bytes come from (files, stdin, archives, uploads): knows nothing of formats.
  { stage: 'src/sources', may: ['src/sources', 'src/model'] },
  // The pipeline wires parsers, analyses and detectors; rendering is the caller's choice.
  { stage: 'src/pipeline', may: ['src/pipeline', 'src/model', 'src/sources', 'parsers', 'src/analysis', 'src/detectors'] },
  // Comparing two incidents: runs both through the pipeline (and reads their models), renders through the CLI.
  { stage: 'src/diff', may: ['src/diff', 'src/model', 'src/pipeline', 'src/sources', 'src/analysis'] },
  // Runners run specs: in-process, a worker-thread pool. They never render.
  { stage: 'src/runner', may: ['src/runner', 'src/model', 'src/sources', 'src/pipeline'] },
  // The front ends above the pipeline: only these and the CLI import reports.
  { stage: 'src/batch', may: ['src/batch', 'src/model', 'src/sources', 'src/pipeline', 'src/runner', 'reports'] },
  { stage: 'src/serve', may: ['src/serve', 'src/model', 'src/sources', 'src/pipeline', 'src/runner', 'reports'] },
  { stage: 'src/queue', may: ['src/queue', 'src/model', 'src/sources', 'src/pipeline', 'src/runner', 'reports'] },
  // Commands stay thin: they call the library and a report, nothing below them.
  { stage: 'src/cli', may: ['src/cli', 'src/model', 'src/pipeline', 'src/sources', 'src/runner', 'src/batch', 'src/serve', 'src/queue', 'src/diff', 'reports'] },
];

/**
 * Files allowed a dynamic import whose target is not written in the source, with why. Such an
 * import cannot be checked, so each one is listed here on purpose.
 */
const OPAQUE_DYNAMIC_IMPORTS: Record<string, string> = {
  // A library user's own detector module, named by path or URL in the run options: not ours.
  'src/runner/worker.ts': "a user's detector registry module",
};

const STAGE_ROOTS = ['src', 'parsers', 'reports'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The stage a repo-relative path belongs to, or undefined when it is in none (e.g. node_modules). */
function stageOf(rel: string): string | undefined {
  const parts = rel.split(path.sep);
  if (parts[0] === 'parsers' || parts[0] === 'reports') return parts[0];
  if (parts[0] === 'src' && parts.length > 1) return `src/${parts[1]}`;
  return undefined;
}

interface Import {
  file: string;
  /** repo-relative target (a file, or for a template import the folder its static prefix names) */
  target: string;
}

function importsOf(file: string): { imports: Import[]; opaque: string[] } {
  return scanImports(file, readFileSync(file, 'utf8'));
}

/** Every relative import in a file's text: static, re-export, side-effect, `import type`, `import()`. */
function scanImports(file: string, src: string): { imports: Import[]; opaque: string[] } {
  const imports: Import[] = [];
  const opaque: string[] = [];
  const rel = (spec: string): string => path.relative(repoRoot, path.resolve(path.dirname(file), spec));
  for (const m of src.matchAll(/(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) imports.push({ file, target: rel(spec) });
  }
  // import('x'), import("x"), import(`x`), import(`./dir/${name}.js`), import(someVariable)
  for (const m of src.matchAll(/\bimport\(\s*([^)]*?)\s*\)/g)) {
    const arg = m[1];
    const lit = /^(['"])([^'"]*)\1$/.exec(arg) ?? /^`([^`$]*)`$/.exec(arg);
    if (lit) {
      const spec = lit[2] ?? lit[1];
      if (spec.startsWith('.')) imports.push({ file, target: rel(spec) });
      continue;
    }
    const tpl = /^`([^`$]*)\$\{/.exec(arg);
    if (tpl && tpl[1].startsWith('.')) {
      // The static prefix names at least the folder the import reaches into.
      const prefix = tpl[1];
      imports.push({ file, target: rel(prefix.endsWith('/') ? prefix : path.dirname(prefix)) });
      continue;
    }
    opaque.push(`${path.relative(repoRoot, file)}: import(${arg})`);
  }
  return { imports, opaque };
}

function allFiles(): string[] {
  return STAGE_ROOTS.flatMap((r) => (existsSync(path.join(repoRoot, r)) ? tsFiles(path.join(repoRoot, r)) : []));
}

/** A cycle in a graph of stages, as a path `a → b → … → a`, or undefined. */
function findCycle(edges: Map<string, Set<string>>): string | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n].join(' → ');
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of [...edges.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

describe('architecture', () => {
  const files = allFiles();
  const scanned = files.map(importsOf);

  it('every folder under src/ is a stage with a row (a new folder needs one), and no file sits loose in src/', () => {
    const listed = new Set(RULES.map((r) => r.stage));
    const unlisted: string[] = [];
    for (const e of readdirSync(path.join(repoRoot, 'src'))) {
      const p = path.join(repoRoot, 'src', e);
      if (statSync(p).isDirectory()) {
        if (!listed.has(`src/${e}`)) unlisted.push(`src/${e}`);
      } else if (e.endsWith('.ts')) unlisted.push(`src/${e} (a file outside any stage)`);
    }
    for (const root of ['parsers', 'reports']) if (existsSync(path.join(repoRoot, root)) && !listed.has(root)) unlisted.push(root);
    expect(unlisted).toEqual([]);
  });

  it('the rows themselves allow no cycle between stages', () => {
    const edges = new Map(RULES.map((r) => [r.stage, new Set(r.may.filter((m) => m !== r.stage))]));
    expect(findCycle(edges)).toBeUndefined();
  });

  for (const rule of RULES) {
    it(`${rule.stage} imports only ${rule.may.join(', ')} of ours`, () => {
      const bad: string[] = [];
      for (const { imports } of scanned) {
        for (const imp of imports) {
          if (stageOf(path.relative(repoRoot, imp.file)) !== rule.stage) continue;
          if (!rule.may.some((ok) => imp.target === ok || imp.target.startsWith(`${ok}/`))) {
            bad.push(`${path.relative(repoRoot, imp.file)} → ${imp.target}`);
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('dynamic imports name what they import (or are listed as opaque, with why)', () => {
    const opaque = scanned.flatMap((s) => s.opaque).filter((o) => !(o.split(':')[0] in OPAQUE_DYNAMIC_IMPORTS));
    expect(opaque).toEqual([]);
  });

  it('the code imports no stage from a stage that imports it back (no cycle between stages)', () => {
    const edges = new Map<string, Set<string>>();
    for (const { imports } of scanned) {
      for (const imp of imports) {
        const from = stageOf(path.relative(repoRoot, imp.file));
        const to = stageOf(imp.target);
        if (!from || !to || from === to) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    expect(findCycle(edges)).toBeUndefined();
  });
});

describe('the architecture check itself', () => {
  it('sees static, type, re-export, side-effect and dynamic imports, and template imports by their folder', () => {
    const probe = path.join(repoRoot, 'src/model/__probe__.ts');
    const text = [
      "import { a } from '../pipeline/index.js';",
      "import type { B } from '../../reports/index.js';",
      "export * from '../sources/index.js';",
      "import '../cli/index.js';",
      "const c = await import('../detectors/index.js');",
      'const d = await import(`../analysis/tcp/index.js`);',
      'const e = await import(`../runner/${name}.js`);',
      'const f = await import(somewhere);',
    ].join('\n');
    const { imports, opaque } = scanImports(probe, text);
    expect(imports.map((i) => i.target)).toEqual([
      'src/pipeline/index.js',
      'reports/index.js',
      'src/sources/index.js',
      'src/cli/index.js',
      'src/detectors/index.js',
      'src/analysis/tcp/index.js',
      'src/runner',
    ]);
    expect(opaque).toEqual(['src/model/__probe__.ts: import(somewhere)']);
  });

  it('finds a cycle between stages', () => {
    const edges = new Map([
      ['src/a', new Set(['src/b'])],
      ['src/b', new Set(['src/c'])],
      ['src/c', new Set(['src/a'])],
    ]);
    expect(findCycle(edges)).toBe('src/a → src/b → src/c → src/a');
    expect(findCycle(new Map([['src/a', new Set(['src/b'])]]))).toBeUndefined();
  });
});
