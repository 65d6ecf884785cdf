#!/usr/bin/env node
import { arch, platform, release } from 'node:os';

// `faultline --version` answers without loading oclif (≈ 0.2 s of start-up): the same line oclif
// prints (its Config.userAgent). On WSL, where oclif names the platform 'wsl', oclif answers.
const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version' && !(platform() === 'linux' && (process.env.WSL_DISTRO_NAME || /microsoft/i.test(release())))) {
  const { readFileSync } = await import('node:fs');
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const a = arch() === 'ia32' ? 'x86' : arch();
  process.stdout.write(`${pjson.name}/${pjson.version || '0.0.0'} ${platform()}-${a} node-${process.version}\n`);
} else {
  const { execute, settings } = await import('@oclif/core');
  // The compiled commands are what users run: never look for TypeScript sources,
  // even when NODE_ENV is not 'production' (vitest sets 'test').
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url });
}
