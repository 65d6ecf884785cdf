/**
 * A parser for the plain command lines oclif's own parser would accept, without loading oclif
 * (importing any part of @oclif/core costs 80–160 ms of CPU, more than faultline's own start-up:
 * issue 14). It gives what oclif's `Parser.parse` gives, `{argv, flags}`, or undefined for
 * anything it does not model — a help or unknown flag, `--`, a value that looks like a flag, a
 * repeated single flag, a value outside a flag's options, `-fjson`, `--flag=` — and then oclif
 * parses the line itself and says what is wrong in its own words. test/cli/argv.test.ts holds
 * the two parsers to the same answers.
 */

/** What the fast parser knows of one flag, taken from the command's oclif flag (flagFacts). */
export interface FlagFacts {
  type: 'boolean' | 'option';
  char?: string;
  options?: string[];
  multiple?: boolean;
  /** each `--tz` takes one value (oclif's multipleNonGreedy) */
  multipleNonGreedy?: boolean;
  /** `--no-NAME` sets a boolean to false */
  allowNo?: boolean;
  default?: string | boolean;
  /** why oclif does more with this flag than the fast parser models: set, the fast parser declines every line */
  unmodelled?: string;
}

/** The oclif flag fields the fast parser reads, typed loosely so that no oclif type is needed here. */
interface OclifFlagLike {
  type: string;
  char?: string;
  options?: readonly string[];
  multiple?: boolean;
  multipleNonGreedy?: boolean;
  allowNo?: boolean;
  default?: unknown;
  parse?: (input: never, ctx: never, opts: never) => unknown;
  [k: string]: unknown;
}

/** Fields of an oclif flag that make its parser do more than match tokens. */
const UNMODELLED = ['env', 'delimiter', 'aliases', 'charAliases', 'dependsOn', 'exclusive', 'exactlyOne', 'relationships', 'required', 'deprecated', 'deprecateAliases', 'allowStdin', 'combinable'];

/** The facts of each flag, as the manifest keeps them for the fast path (src/cli/manifest.ts). */
export async function flagFacts(flags: Record<string, unknown>): Promise<Record<string, FlagFacts>> {
  const out: Record<string, FlagFacts> = {};
  for (const [name, raw] of Object.entries(flags)) {
    const f = raw as OclifFlagLike;
    const facts: FlagFacts = { type: f.type === 'boolean' ? 'boolean' : 'option' };
    if (f.char !== undefined) facts.char = f.char;
    if (f.options !== undefined) facts.options = [...f.options];
    if (f.multiple) facts.multiple = true;
    if (f.multipleNonGreedy) facts.multipleNonGreedy = true;
    if (f.allowNo) facts.allowNo = true;
    const why: string[] = UNMODELLED.filter((k) => f[k] !== undefined && f[k] !== false && !(Array.isArray(f[k]) && (f[k] as unknown[]).length === 0));
    if (f.type !== 'boolean' && f.type !== 'option') why.push(`type ${f.type}`);
    if (typeof f.default === 'string' || typeof f.default === 'boolean') facts.default = f.default;
    else if (f.default !== undefined) why.push('a computed default');
    if (f.multiple && !f.multipleNonGreedy) why.push('a greedy multiple flag');
    // oclif hands each value to the flag's parse: the fast parser can only stand in for one that returns it unchanged
    if (!(await parsesToItself(f))) why.push('a parse that changes its value');
    if (why.length) facts.unmodelled = why.join(', ');
    out[name] = facts;
  }
  return out;
}

async function parsesToItself(f: OclifFlagLike): Promise<boolean> {
  if (!f.parse) return true;
  const parse = f.parse as (input: unknown, ctx: unknown, opts: unknown) => unknown;
  const probes: unknown[] = f.type === 'boolean' ? [true, false] : [...(f.options ?? ['a-value', '1'])];
  try {
    for (const p of probes) if ((await parse(p, {}, f)) !== p) return false;
    return true;
  } catch {
    return false;
  }
}

export interface Parsed {
  /** the arguments that are not flags, in oclif's order */
  argv: string[];
  flags: Record<string, string | boolean | string[]>;
}

/**
 * `argv` (after the command's name) parsed for a command that takes any number of arguments
 * (`strict = false`, its one argument optional), or undefined when oclif must parse it.
 */
export function parseArgv(argv: readonly string[], flags: Record<string, FlagFacts>): Parsed | undefined {
  if (Object.values(flags).some((f) => f.unmodelled !== undefined)) return undefined;
  const byChar = new Map<string, string>();
  for (const [name, f] of Object.entries(flags)) if (f.char) byChar.set(f.char, name);
  const given = new Map<string, string[] | boolean>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i];
    if (tok === '') return undefined;
    if (tok === '-' || !tok.startsWith('-')) {
      args.push(tok);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const word = eq === -1 ? tok.slice(2) : tok.slice(2, eq);
      if (eq !== -1) inline = tok.slice(eq + 1);
      if (flags[word]) name = word;
      else if (word.startsWith('no-') && flags[word.slice(3)]?.type === 'boolean' && flags[word.slice(3)].allowNo && inline === undefined) {
        given.set(word.slice(3), false);
        continue;
      }
    } else if (tok.length === 2) {
      name = byChar.get(tok[1]);
    }
    if (name === undefined) return undefined;
    const f = flags[name];
    if (f.type === 'boolean') {
      if (inline !== undefined) return undefined;
      given.set(name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (f.options && !f.options.includes(value)) return undefined;
    const prev = given.get(name);
    if (prev !== undefined && !f.multiple) return undefined;
    given.set(name, [...((prev as string[] | undefined) ?? []), value]);
  }
  const out: Parsed['flags'] = {};
  for (const [name, f] of Object.entries(flags)) {
    const v = given.get(name);
    if (v === undefined) {
      if (f.default !== undefined) out[name] = f.default;
    } else if (typeof v === 'boolean') out[name] = v;
    else out[name] = f.multiple ? v : v[v.length - 1];
  }
  // oclif orders its argv by where each value first appears in the command line (a path that
  // is also an earlier flag's value moves up): the same order here
  const first = (s: string): number => argv.indexOf(s);
  return { argv: [...args].sort((a, b) => first(a) - first(b)), flags: out };
}
