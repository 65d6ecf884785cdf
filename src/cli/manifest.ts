/**
 * oclif.manifest.json: every command's metadata (id, summary, flags, args, examples) written
 * once, so that start-up reads one JSON file instead of importing each command class to ask
 * it (oclif's Config.load does that when no manifest is there). Help, did-you-mean and
 * completion read the manifest; running a command still imports that command's class. The
 * commands the fast path can run also get `fastPath`: its flags as the fast path parses them (argv.ts), so that
 * `analyze` can start without oclif (fast-path.ts).
 *
 * Written by the build (`npm run build`, `npm test`, prepack: `node dist/src/cli/manifest.js`)
 * and, whenever a compiled command is newer than it (a build through plain `tsc`), again by
 * bin/run.js before oclif starts, so a stale manifest never answers for changed commands.
 *
 *   node dist/src/cli/manifest.js [ROOT]
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin, settings } from '@oclif/core';
import { flagFacts } from './argv.js';
import { FAST_COMMANDS } from './fast-path.js';

export const MANIFEST = 'oclif.manifest.json';

/** Writes ROOT/oclif.manifest.json from the compiled commands (temporary name, then rename: a concurrent start-up reads the old file or the new one, never half). */
export async function writeManifest(root: string): Promise<void> {
  // The compiled commands are what users run: never look for TypeScript sources.
  settings.enableAutoTranspile = false;
  const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
  await plugin.load();
  // oclif keeps what help needs; the fast path (fast-path.ts) also needs how each flag parses
  for (const id of FAST_COMMANDS) {
    const cmd = await plugin.findCommand(id, { must: true });
    (plugin.manifest.commands[id] as { fastPath?: unknown }).fastPath = { flags: await flagFacts(cmd.flags ?? {}) };
  }
  const file = path.join(root, MANIFEST);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..'));
  await writeManifest(root);
}
