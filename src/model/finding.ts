/** Findings: the shape fixed by spec/findings.schema.json (a copy lives in spec/ of this project). */
export type Severity = 'info' | 'warning' | 'error';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface Subject {
  pid?: number;
  tid?: number;
  /** client:port->server:port */
  connection?: string;
  url?: string;
  syscall?: string;
  /** a destination as `ip:port` (`[v6]:port`) or a unix socket path: what connect-failed is about */
  address?: string;
  /** a DNS name looked up: what dns-failed is about */
  name?: string;
}

export interface Evidence {
  /** same as inputs[].path */
  input: string;
  line?: number;
  /** 1-based frame number as Wireshark shows it */
  packet?: number;
  /** the line as written, or a one-line packet summary */
  text?: string;
}

export interface Endpoint {
  ip: string;
  port: number;
}

/**
 * What a finding knows about the event it describes, so that the same event
 * seen in another input (curl's view, the wire's, strace's) can be joined to
 * it. Only facts the input really printed; unknown stays undefined.
 */
export interface JoinFacts {
  client?: Endpoint;
  server?: Endpoint;
  /** server host name or address as the user wrote it in the URL, lower case */
  host?: string;
  url?: string;
  method?: string;
  status?: number;
  /** response body bytes received before the failure */
  bytesReceived?: number;
  /** the moment of the event (reset, error) in the input's own clock */
  t?: number | null;
}

/** What a detector returns: a finding seen in one input, before merging and ids. */
export interface FindingDraft {
  detector: string;
  severity: Severity;
  title: string;
  /** the input it was seen in (inputs[].path) */
  input: string;
  /** in that input's own clock; the pipeline places it on the run's clock */
  start: number | null;
  end?: number | null;
  subject: Subject;
  evidence: Evidence[];
  details: Record<string, unknown>;
  explanation?: string;
  join?: JoinFacts;
  /**
   * Keys naming the event this finding is about (e.g. `${input}#conn:…#exchange:2`).
   * Findings of different detectors sharing a key name each other in `related`.
   */
  eventKeys?: string[];
  /** lane ids (timeline) this finding concerns */
  lanes?: string[];
}

/** The finding as reported (schema shape, plus a few extra fields). */
export interface Finding {
  id: string;
  detector: string;
  severity: Severity;
  title: string;
  start: number | null;
  end: number | null;
  subject: Subject;
  evidence: Evidence[];
  details: Record<string, unknown>;
  explanation?: string;
  related?: string[];
  /** lane ids on the timeline (extra field) */
  lanes?: string[];
}
