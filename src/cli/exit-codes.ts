/** Exit codes, in one place (the README's table is this one). */
export const EXIT = {
  /** analysis done, findings or not */
  OK: 0,
  /** faultline itself failed: a bug, or --output not writable */
  INTERNAL: 1,
  /** usage error: a bad flag or value (oclif's own code for parse errors) */
  USAGE: 2,
  /** some inputs could not be read, a detector failed, or a folder held no trace; the rest was analysed and reported */
  INPUT_PROBLEMS: 3,
  /** --fail-on was met */
  FAIL_ON: 4,
  /** interrupted (Ctrl-C): 128 + SIGINT, as shells report it */
  INTERRUPTED: 130,
} as const;
