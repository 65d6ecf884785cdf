/**
 * A finding's `details` written for people: labelled fields with units
 * (`wait_ms: 0.255` → "Waited 0.255 ms"), packet numbers named as packets,
 * and Zeek's `conn_state` / `history` codes explained on hover. Keys this
 * table does not know are still shown, their name made readable and their
 * unit taken from the suffix (`_ms`, `_s`, `_bytes`).
 */
import { formatBytes, formatDuration } from '../format.js';

export interface Fact {
  label: string;
  value: string;
  /** a longer explanation, shown on hover */
  hint?: string;
  /** a packet number the fact names */
  packet?: number;
}

/** Zeek's conn_state vocabulary, the one `connection_state` uses. */
export const CONN_STATES: Record<string, string> = {
  S0: 'S0: connection attempt seen, no reply',
  S1: 'S1: established, not terminated',
  SF: 'SF: normal establishment and termination',
  REJ: 'REJ: connection attempt rejected (RST to the SYN)',
  S2: 'S2: established, close attempt by the originator seen (no reply from the responder)',
  S3: 'S3: established, close attempt by the responder seen (no reply from the originator)',
  RSTO: 'RSTO: established, the originator (client) aborted it with a RST',
  RSTR: 'RSTR: established, the responder (server) aborted it with a RST',
  RSTOS0: 'RSTOS0: the originator sent a SYN then a RST; no SYN-ACK seen',
  RSTRH: 'RSTRH: the responder sent a SYN-ACK then a RST; no SYN from the originator seen',
  SH: 'SH: the originator sent a SYN then a FIN; no SYN-ACK seen (half-open)',
  SHR: 'SHR: the responder sent a SYN-ACK then a FIN; no SYN from the originator seen',
  OTH: 'OTH: no SYN seen, only midstream traffic (the capture started late)',
};

/** Zeek's history letters: upper case for the originator (client), lower case for the responder (server). */
const HISTORY: Record<string, string> = {
  s: 'SYN',
  h: 'SYN-ACK',
  a: 'pure ACK',
  d: 'packet with data',
  f: 'FIN',
  r: 'RST',
  c: 'bad checksum',
  g: 'content gap',
  t: 'retransmitted data',
  w: 'zero window',
  i: 'inconsistent packet',
  q: 'multi-flag packet',
  '^': 'connection direction flipped',
};

export function explainHistory(h: string): string {
  const parts: string[] = [];
  for (const c of h) {
    const what = HISTORY[c.toLowerCase()];
    if (c === 'h' || c === 'H') parts.push(`${c}: SYN-ACK`);
    else if (what) parts.push(`${c}: ${c === c.toUpperCase() && c !== '^' ? 'client' : 'server'} ${what}`);
    else parts.push(`${c}: ?`);
  }
  return `history ${h} (upper case: client, lower case: server): ${parts.join(', ')}`;
}

type Render = (v: unknown) => Partial<Fact> | undefined;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ms: Render = (v) => (num(v) !== undefined ? { value: formatDuration(num(v)! / 1000) } : undefined);
const secs: Render = (v) => (num(v) !== undefined ? { value: formatDuration(num(v)!) } : undefined);
const bytes: Render = (v) => (num(v) !== undefined ? { value: `${num(v)!.toLocaleString('en')} bytes${num(v)! >= 1024 ? ` (${formatBytes(num(v))})` : ''}` } : undefined);
const packet: Render = (v) => (num(v) !== undefined ? { value: `packet ${num(v)}`, packet: num(v) } : undefined);

const KNOWN: Record<string, [string, Render?]> = {
  connection_state: ['Connection state', (v) => (typeof v === 'string' ? { value: v, hint: CONN_STATES[v] ?? `${v}: a Zeek conn_state code` } : undefined)],
  history: ['History', (v) => (typeof v === 'string' ? { value: v, hint: explainHistory(v) } : undefined)],
  exchange: ['Exchange on the connection', (v) => (num(v) !== undefined ? { value: `#${num(v)}` } : undefined)],
  request: ['Request'],
  status: ['Status'],
  phase: ['Failed while', (v) => (v === 'response' ? { value: 'receiving the response' } : v === 'request' ? { value: 'sending the request' } : v === 'wait' ? { value: 'waiting for the response' } : undefined)],
  framing: ['Body framing'],
  ended_by: ['Ended by'],
  expect: ['Expect header'],
  wait_ms: ['Waited', ms],
  ttfb_ms: ['Time to first byte', ms],
  request_to_reset_ms: ['Request to reset', ms],
  reset_frame: ['Reset', packet],
  end_frame: ['Ended at', packet],
  continue_frame: ['100 Continue', packet],
  requested: ['Requested', secs],
  remaining: ['Remaining', secs],
  elapsed: ['Elapsed', secs],
  shortfall: ['Shortfall', secs],
  // The other views' own evidence is listed with the finding's; here each says who saw it and how.
  other_views: ['Also seen as', (v) => {
    if (!Array.isArray(v)) return undefined;
    const views = v.filter((x): x is { input?: unknown; title?: unknown } => x !== null && typeof x === 'object');
    return views.length === v.length ? { value: views.map((x) => `${String(x.input ?? '?')}: ${String(x.title ?? '')}`).join('; ') } : undefined;
  }],
  correlation: ['Joined on', (v) => {
    if (typeof v === 'string') return { value: v };
    const on = v && typeof v === 'object' ? (v as { joined_on?: unknown }).joined_on : undefined;
    return Array.isArray(on) ? { value: on.map(String).join('; ') } : undefined;
  }],
};

/** Makes `body_bytes_expected` read "Body bytes expected". */
function readable(key: string): string {
  const words = key.replace(/_(ms|s|bytes|frame)$/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function plain(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.map(String).join(', ');
  // flat records (a process's parents, a socket's ends) read as words, not JSON: "pid 32440 program /usr/bin/sh; pid 1 …"
  if (Array.isArray(v) && v.every(isFlat)) return v.map(words).join('; ');
  if (isFlat(v)) return words(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s;
}

function isFlat(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x !== 'object');
}

function words(o: Record<string, unknown>): string {
  return Object.entries(o)
    .filter(([, x]) => x !== undefined && x !== null)
    .map(([k, x]) => `${k.replace(/_/g, ' ')} ${String(x)}`)
    .join(' ');
}

/** The facts of a finding's details, in their order; `wireshark_filter` and `correlation` are shown elsewhere. */
export function facts(details: Record<string, unknown>): Fact[] {
  const out: Fact[] = [];
  for (const [k, v] of Object.entries(details)) {
    if (k === 'wireshark_filter' || v === undefined || v === null) continue;
    const known = KNOWN[k];
    let f: Partial<Fact> | undefined;
    if (known?.[1]) f = known[1](v);
    else if (/_ms$/.test(k)) f = ms(v);
    else if (/(^|_)bytes($|_)/.test(k)) f = bytes(v);
    else if (/_frame$/.test(k)) f = packet(v);
    else if (/_s$/.test(k)) f = secs(v);
    out.push({ label: known?.[0] ?? readable(k), value: f?.value ?? plain(v), hint: f?.hint, packet: f?.packet });
  }
  return out;
}
