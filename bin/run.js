#!/usr/bin/env node
// `faultline --version` is asked by scripts and health checks: answered here,
// in oclif's own words, without loading oclif (its import is most of the
// start-up time). Everything else goes through oclif.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  const { execute, settings } = await import('@oclif/core');
  // The compiled commands are what users run: never look for TypeScript sources,
  // even when NODE_ENV is not 'production' (vitest sets 'test').
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url });
}
