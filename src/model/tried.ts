/**
 * What each process (strace) or client (capture) of one input tried to reach,
 * and the names it looked up (issue 13): plain data every report renders, so
 * "productpage never connected to reviews:9080" shows at a glance even when no
 * detector fires — that is how a wrong port or a wrong environment variable shows.
 *
 * Bounded: a port scan or a fork bomb gives counts, not a list. Each cap keeps
 * the entries with a problem first, and what it leaves out is counted in the
 * `*_dropped` field beside the list.
 */

/** Who tried: kept per input (MAX_TRIED_BY). */
export const MAX_TRIED_BY = 50;
/** Destinations and names kept per process or client. */
export const MAX_TRIED_DESTINATIONS = 20;
export const MAX_TRIED_LOOKUPS = 20;
/** Environment variables kept per process (those naming hosts, ports, URLs or sockets). */
export const MAX_TRIED_ENV = 16;

export interface InputTried {
  /** processes (strace) or client addresses (capture), those with a failure first, then by pid or first time */
  by: TriedBy[];
  /** processes or clients not listed: beyond MAX_TRIED_BY here, or beyond the analysis's own cap */
  by_dropped?: number;
}

/**
 * How one destination went, in one word:
 * connected — every connect that ended, ended connected (stream sockets);
 * failed    — no attempt connected (refused, no such socket, SYNs unanswered);
 * partly    — some attempts connected, some failed;
 * answered  — datagrams sent and replies came back (UDP: DNS and the like);
 * no-reply  — datagrams or data sent, nothing came back;
 * unknown   — the log shows no outcome (a connect still in progress when it ends).
 */
export type TriedOutcome = 'connected' | 'failed' | 'partly' | 'answered' | 'no-reply' | 'unknown';

export interface TriedBy {
  /** strace: the process (absent when the log names no pids) */
  pid?: number;
  parent?: number;
  /** strace: the program it ran (its last execve), and the command line, clipped */
  program?: string;
  command?: string;
  /** capture: the client's address */
  ip?: string;
  /**
   * strace -v: the variables of its execve environment that name hosts, ports,
   * URLs or sockets (passwords in URLs masked; the report's redaction applies too)
   */
  env?: Record<string, string>;
  env_dropped?: number;
  destinations: TriedDestination[];
  destinations_dropped?: number;
  lookups: TriedLookup[];
  lookups_dropped?: number;
}

export interface TriedDestination {
  /** `127.0.0.1:9080`, `[::1]:443`, or a unix socket's path */
  to: string;
  /** tcp, udp, unix … when known */
  transport?: string;
  /** connects (strace) or connections opened (capture) */
  attempts: number;
  connected: number;
  /** failed attempts by why: errno names and `gave up while connecting` (strace), `refused` / `unanswered` (capture) */
  failures?: Record<string, number>;
  /** strace: datagrams or writes sent, and replies read */
  sends?: number;
  receives?: number;
  outcome: TriedOutcome;
  /** when it was first tried, on the input's own clock (like inputs[].first_t) */
  first_t: number | null;
  /** strace: the line of the first try */
  line?: number;
}

export interface TriedLookup {
  name: string;
  /** A, AAAA, MX … */
  types?: string[];
  queries: number;
  /** answered, NXDOMAIN, SERVFAIL, REFUSED …, or no-answer */
  outcome: string;
  /** addresses in the answers (capture), first few */
  addresses?: string[];
  /** strace: the server asked */
  server?: string;
}
