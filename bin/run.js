#!/usr/bin/env node
// `faultline --version` is asked by scripts and health checks: answered here,
// in oclif's own words, without loading oclif (its import is most of the
// start-up time). A plain `analyze` line runs without oclif too (fastPath);
// everything else goes through oclif.
const argv = process.argv.slice(2);
// A reader that goes away (`faultline analyze … | head`) ends the output, not the run: without a
// listener Node throws the EPIPE as an uncaught stack trace. What was written stands; the writes
// after it fail quietly and the exit code is the run's own.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
});
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else if (!(await fastPath())) {
  // oclif's subpaths, not its index: the index also checks the Node version through semver
  // (47 more files to load) and loads every part of oclif whether used or not.
  const [{ execute }, { settings }] = await Promise.all([import('@oclif/core/execute'), import('@oclif/core/settings')]);
  // The compiled commands are what users run: never look for TypeScript sources,
  // even when NODE_ENV is not 'production' (vitest sets 'test').
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url });
}

/**
 * `faultline analyze …` is most of what users run, and oclif's start-up (150–200 ms of CPU) costs
 * more than the analysis of a small trace: a plain analyze line runs without oclif
 * (dist/src/cli/fast-path.js says which lines; output and exit codes are the command's own).
 * False when the line is not taken: oclif runs it. The manifest is made fresh first, for
 * both (the fast path reads analyze's flags from it).
 */
async function fastPath() {
  await freshManifest();
  if (argv[0] !== 'analyze') return false;
  let mod;
  try {
    mod = await import('../dist/src/cli/fast-path.js');
  } catch {
    return false; // not built: oclif says what is missing
  }
  return mod.analyzeFast(new URL('..', import.meta.url), argv.slice(1));
}

/**
 * oclif reads the commands' metadata from oclif.manifest.json when it is there (instead of
 * importing every command at start-up). The build writes it; a build through plain `tsc`
 * leaves it older than the commands, and then it is written again here, before oclif reads
 * it, so help never describes commands as they were. Where it cannot be written (a read-only
 * install is built by prepack and never stale), a stale one is removed: oclif then asks the
 * commands themselves, slower but right.
 */
async function freshManifest() {
  const { readdirSync, statSync, rmSync } = await import('node:fs');
  const root = new URL('..', import.meta.url);
  const mtime = (u) => {
    try {
      return statSync(u).mtimeMs;
    } catch {
      return undefined;
    }
  };
  const made = mtime(new URL('oclif.manifest.json', root));
  const cli = new URL('dist/src/cli/', root);
  const sources = [new URL('package.json', root), new URL('index.js', cli)];
  try {
    for (const f of readdirSync(new URL('commands/', cli))) if (f.endsWith('.js')) sources.push(new URL(`commands/${f}`, cli));
  } catch {
    return; // not built: oclif says what is missing
  }
  if (made !== undefined && sources.every((s) => (mtime(s) ?? 0) <= made)) return;
  try {
    const [{ writeManifest }, { fileURLToPath }] = await Promise.all([import('../dist/src/cli/manifest.js'), import('node:url')]);
    await writeManifest(fileURLToPath(root));
  } catch {
    try {
      if (made !== undefined) rmSync(new URL('oclif.manifest.json', root), { force: true });
    } catch {
      // nothing to be done: oclif reads what is there
    }
  }
}
