/**
 * `faultline analyze …` without oclif, when oclif would only have parsed the line and called
 * the command: loading @oclif/core and its Config is 150–200 ms of CPU on this machine, more
 * than the parsers, analyses and detectors together (issue 14). bin/run.js asks here first; on
 * false it runs oclif as always. The line is taken only when it is plain (argv.ts), the
 * manifest is there and current, no hook would have run around the command (faultline's own
 * and its plugins' are tested to be none of those), and oclif's debug output is not asked for.
 * Exit codes and output are the command's own (run-analyze.ts), exits as oclif's:
 * `process.exit(code)` for a code other than 0, and oclif's error handler for an error the
 * command did not catch.
 */
import { readFileSync } from 'node:fs';
import { parseArgv, type FlagFacts } from './argv.js';
import type { AnalyzeFlags } from './run-analyze.js';

/** The commands the fast path can run (the manifest keeps their flags' facts). */
export const FAST_COMMANDS = ['analyze'];

/** Hooks oclif runs around a command; any of them declared, and the fast path steps aside. */
export const COMMAND_HOOKS = ['init', 'preparse', 'prerun', 'postrun', 'finally'];

/** What the manifest holds for the fast path (src/cli/manifest.ts writes it). */
export interface FastManifestEntry {
  fastPath?: { flags: Record<string, FlagFacts> };
}

/** The `this.exit` of the fast path: thrown, so the command stops where it exits. */
class Exit {
  constructor(readonly code: number) {}
}

/**
 * Runs `analyze` with `args` (what follows the command's name) when the fast path can take
 * them, and says whether it did. `root` is the package root (where package.json is).
 */
export async function analyzeFast(root: URL, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  // oclif's debug output (DEBUG=…, FAULTLINE_DEBUG) comes only from oclif
  if (env.DEBUG || env.FAULTLINE_DEBUG) return false;
  let parsed: ReturnType<typeof parseArgv>;
  try {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string; oclif?: { hooks?: Record<string, unknown> } };
    if (COMMAND_HOOKS.some((h) => pkg.oclif?.hooks?.[h] !== undefined)) return false;
    const manifest = JSON.parse(readFileSync(new URL('oclif.manifest.json', root), 'utf8')) as {
      version: string;
      commands: Record<string, FastManifestEntry | undefined>;
    };
    // a manifest of another version: oclif warns about it
    if (manifest.version !== pkg.version) return false;
    const facts = manifest.commands.analyze?.fastPath?.flags;
    if (!facts) return false;
    parsed = parseArgv(args, facts);
  } catch {
    return false; // no manifest (not built, or removed as stale): oclif reads the commands
  }
  if (!parsed) return false;
  // One big file: its reader thread starts now, while the pipeline loads (see ReaderThread).
  const file = parsed.argv.length === 1 && parsed.argv[0] !== '-' ? parsed.argv[0] : undefined;
  const readerThread = file !== undefined ? (await import('../sources/read-thread.js')).readerThreadFor(file, env) : undefined;
  const { runAnalyze } = await import('./run-analyze.js');
  try {
    await runAnalyze(
      parsed.argv,
      parsed.flags as unknown as AnalyzeFlags,
      (code) => {
        throw new Exit(code);
      },
      { readerThread },
    );
  } catch (err) {
    if (err instanceof Exit) process.exit(err.code);
    const { handle } = await import('@oclif/core/handle');
    await handle(err as Error);
  }
  return true;
}
