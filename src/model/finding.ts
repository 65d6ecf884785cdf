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
  /**
   * curl's own error message, as printed (`Failed to connect to 127.0.0.1 port 9 after 0 ms: …`):
   * two curl views of one transfer (-v and %{json} of the same command) print it alike, ports
   * and milliseconds included
   */
  curlError?: string;
  /** curl's exit code, when the view knows it */
  curlExit?: number;
  /** the moment of the event (reset, error) in the input's own clock */
  t?: number | null;
}

/**
 * What the pipeline adds to a joined finding's details. Every key under `details` is
 * snake_case; each detector exports the type of its own details (e.g. `CurlError56Details`).
 */
export interface CorrelationDetails {
  /** the inputs whose views were joined, in command-line order */
  inputs: string[];
  /** the facts the join was made on ("client 10.0.0.2:51234", "request /x", "time within 2 s") */
  joined_on: string[];
  /** seconds between the earliest and latest view on the run's clock */
  time_spread_s?: number;
}

/** One other input's view of a joined finding: its input, its title, its own details. */
export type OtherView = { input: string; title: string } & Record<string, unknown>;

export interface JoinedDetails {
  correlation?: CorrelationDetails;
  other_views?: OtherView[];
  /** a Wireshark display filter that opens the capture at this event */
  wireshark_filter?: string;
  /** another input sees this connection or request a whole number of quarter-hours away: a time zone or clock mistake, most likely, and the flag that fixes it */
  clock_suspect?: string;
}

/** A finding's details: its detector's type (snake_case keys), plus what joining added. */
export type FindingDetails = Record<string, unknown> & JoinedDetails;

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
  /** the detector's own details type (a type alias with snake_case keys: aliases, unlike interfaces, fit this record) */
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
  details: FindingDetails;
  explanation?: string;
  related?: string[];
  /** lane ids on the timeline (extra field) */
  lanes?: string[];
}
