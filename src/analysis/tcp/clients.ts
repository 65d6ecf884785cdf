/**
 * Per client of a capture: the destinations it tried and the names it looked
 * up, summed as connections and queries finish (so connections only counted,
 * not kept, still count). Bounded: a port scan gives counts, not a list.
 */
import type { ClientActivity, DestinationTried, DnsQuery, NameLookedUp } from '../../model/index.js';

const MAX_CLIENTS = 1000;
const MAX_PER_CLIENT = 200;
const MAX_ADDRESSES = 4;

interface Client {
  ip: string;
  dest: Map<string, DestinationTried>;
  names: Map<string, NameLookedUp & { answered: boolean }>;
  more: number;
}

export type AttemptOutcome = 'connected' | 'refused' | 'unanswered' | 'unknown';

export class ClientLog {
  private readonly clients = new Map<string, Client>();
  /** clients past MAX_CLIENTS, counted only */
  moreClients = 0;

  private client(ip: string): Client | undefined {
    let c = this.clients.get(ip);
    if (!c) {
      if (this.clients.size >= MAX_CLIENTS) {
        this.moreClients++;
        return undefined;
      }
      c = { ip, dest: new Map(), names: new Map(), more: 0 };
      this.clients.set(ip, c);
    }
    return c;
  }

  attempt(protocol: 'tcp' | 'udp', client: string, ip: string, port: number, outcome: AttemptOutcome, t: number): void {
    const c = this.client(client);
    if (!c) return;
    const key = `${protocol} ${ip} ${port}`;
    let d = c.dest.get(key);
    if (!d) {
      if (c.dest.size >= MAX_PER_CLIENT) {
        c.more++;
        return;
      }
      d = { protocol, ip, port, attempts: 0, connected: 0, refused: 0, unanswered: 0, outcome: 'unknown', firstT: t, lastT: t };
      c.dest.set(key, d);
    }
    d.attempts++;
    if (outcome === 'connected') d.connected++;
    else if (outcome === 'refused') d.refused++;
    else if (outcome === 'unanswered') d.unanswered++;
    if (t < d.firstT) d.firstT = t;
    if (t > d.lastT) d.lastT = t;
  }

  lookup(q: DnsQuery): void {
    // over TCP the connection itself already counted as an attempt
    if (q.transport === 'udp') this.attempt('udp', q.client.ip, q.server.ip, q.server.port, q.answer ? 'connected' : 'unanswered', q.at.t);
    const c = this.client(q.client.ip);
    if (!c) return;
    let n = c.names.get(q.name);
    if (!n) {
      if (c.names.size >= MAX_PER_CLIENT) {
        c.more++;
        return;
      }
      n = { name: q.name, types: [], queries: 0, outcome: 'no-answer', addresses: [], answered: false };
      c.names.set(q.name, n);
    }
    n.queries += q.attempts;
    if (!n.types.includes(q.type)) n.types.push(q.type);
    const a = q.answer;
    if (!a) return;
    for (const ip of a.addresses) if (n.addresses.length < MAX_ADDRESSES && !n.addresses.includes(ip)) n.addresses.push(ip);
    // an address anywhere wins; else the last rcode said
    if (a.rcode === 0 && (a.answers > 0 || !n.answered)) n.outcome = 'answered';
    else if (!n.answered || n.outcome !== 'answered') n.outcome = a.rcodeName;
    n.answered ||= a.rcode === 0 && a.answers > 0;
  }

  facts(): ClientActivity[] | undefined {
    if (this.clients.size === 0) return undefined;
    const out: ClientActivity[] = [];
    for (const c of this.clients.values()) {
      const destinations = [...c.dest.values()].map((d) => ({ ...d, outcome: outcomeOf(d) }));
      destinations.sort((a, b) => a.firstT - b.firstT);
      const lookups = [...c.names.values()].map(({ answered: _a, ...n }) => n);
      const a: ClientActivity = { ip: c.ip, destinations, lookups };
      if (c.more) a.more = c.more;
      out.push(a);
    }
    return out;
  }
}

function outcomeOf(d: DestinationTried): DestinationTried['outcome'] {
  const kinds = [d.connected, d.refused, d.unanswered].filter((n) => n > 0).length;
  if (kinds > 1) return 'partly';
  if (d.connected) return 'connected';
  if (d.refused) return 'refused';
  if (d.unanswered) return 'unanswered';
  return 'unknown';
}
