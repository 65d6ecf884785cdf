/**
 * Defaults the command line shows in its help. A module of its own, importing
 * nothing: the CLI's command classes read it at start-up without loading the
 * pipeline (`faultline --version` and `--help` never run an analysis).
 */
export const DEFAULT_JOIN_WINDOW = 2; /* s */
