import type { Side, TlsFacts } from '../../model/index.js';
import { frameRef, type Pkt } from './packet.js';

const CT_CCS = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPDATA = 23;
const MAX_RECORD = 16384 + 2048; /* bytes: TLSCiphertext limit */
/** a ClientHello longer than this is not searched for its SNI */
const MAX_HELLO = 4096; /* bytes */

/** Does a chunk start with a TLS record header (type 20–24, version 3.x)? */
export function looksLikeTls(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] >= CT_CCS && b[0] <= 24 && b[1] === 3 && b[2] <= 4;
}

/** The server_name of a ClientHello handshake message, if it has one (RFC 8446 §4.1.2, RFC 6066 §3). */
export function sniOf(h: Uint8Array): string | undefined {
  let p = 0;
  const need = (n: number) => p + n <= h.length;
  const u8 = () => h[p++];
  const u16 = () => {
    p += 2;
    return (h[p - 2] << 8) | h[p - 1];
  };
  if (!need(4) || u8() !== 1) return undefined; // ClientHello
  p += 3 + 2 + 32; // length, legacy_version, random
  if (!need(1)) return undefined;
  // (read the length first: `p += u8()` would add to the p from before the read)
  const sid = u8();
  p += sid;
  if (!need(2)) return undefined;
  const suites = u16();
  p += suites;
  if (!need(1)) return undefined;
  const compression = u8();
  p += compression;
  if (!need(2)) return undefined;
  const extLen = u16();
  const end = Math.min(h.length, p + extLen);
  while (p + 4 <= end) {
    const type = u16();
    const len = u16();
    if (type === 0 && p + len <= end && len >= 5) {
      p += 2; // server_name_list length
      const nameType = u8();
      const n = u16();
      if (nameType === 0 && p + n <= end) return Buffer.from(h.subarray(p, p + n)).toString('latin1');
      return undefined;
    }
    p += len;
  }
  return undefined;
}

interface Counts {
  records: number;
  first?: Pkt;
  last?: Pkt;
}

/** Follows one direction's TLS record headers; contents are skipped, never kept (but for the first ClientHello). */
class RecordReader {
  private hdr = new Uint8Array(5);
  private have = 0;
  private skip = 0;
  private lost = false;
  private encrypted = false;
  /** plaintext alert body being read (2 bytes) */
  private alertBytes: number[] | undefined;
  private alertAt: Pkt | undefined;
  /** the first handshake record's body, while it is read, for the SNI */
  private hello: Uint8Array | undefined;
  private helloHave = 0;
  private helloDone = false;
  appData: Counts = { records: 0 };
  /** the other direction's reader, to tell TLS 1.3's encrypted handshake from data */
  peer: RecordReader | undefined;
  private handshakeDone = false;

  constructor(
    private readonly side: Side,
    private readonly facts: TlsFacts,
  ) {}

  feed(b: Uint8Array, at: Pkt): void {
    let i = 0;
    while (i < b.length && !this.lost) {
      if (this.skip > 0) {
        if (this.alertBytes) {
          while (this.skip > 0 && i < b.length && this.alertBytes.length < 2) {
            this.alertBytes.push(b[i++]);
            this.skip--;
          }
          if (this.alertBytes.length === 2) this.plainAlert();
        }
        const take = Math.min(this.skip, b.length - i);
        if (this.hello) this.collectHello(b.subarray(i, i + take));
        this.skip -= take;
        i += take;
        continue;
      }
      this.hdr[this.have++] = b[i++];
      if (this.have < 5) continue;
      this.have = 0;
      const type = this.hdr[0];
      const len = (this.hdr[3] << 8) | this.hdr[4];
      if (type < CT_CCS || type > 24 || this.hdr[1] !== 3 || len > MAX_RECORD) {
        this.lost = true;
        return;
      }
      this.skip = len;
      this.record(type, len, at);
    }
  }

  gap(): void {
    // record boundaries are gone with the bytes
    this.lost = true;
  }

  private record(type: number, len: number, at: Pkt): void {
    const f = this.facts;
    if (type === CT_HANDSHAKE) {
      f.handshake = true;
      if (this.side === 'orig' && !this.helloDone && !this.encrypted) {
        this.helloDone = true;
        this.hello = new Uint8Array(Math.min(len, MAX_HELLO));
        this.helloHave = 0;
      }
    } else if (type === CT_CCS) this.encrypted = true;
    else if (type === CT_APPDATA) {
      this.encrypted = true;
      // TLS 1.3: the server's EncryptedExtensions…Finished come as application_data before the
      // client's first one, which is then the client's Finished: all of it is handshake.
      if (this.side === 'orig' && !this.handshakeDone && this.appData.records === 0) {
        this.handshakeDone = true;
        if (this.peer && this.peer.appData.records > 0) {
          f.tls13 = true;
          this.peer.appData = { records: 0 };
          return;
        }
      }
      this.appData.records++;
      this.appData.first ??= at;
      this.appData.last = at;
    } else if (type === CT_ALERT) {
      if (!this.encrypted && len === 2) {
        this.alertBytes = [];
        this.alertAt = at;
      } else if (f.alerts.length < 16) f.alerts.push({ side: this.side, t: at.t, frame: at.frame, encrypted: true });
    }
  }

  private collectHello(part: Uint8Array): void {
    const h = this.hello!;
    const n = Math.min(part.length, h.length - this.helloHave);
    h.set(part.subarray(0, n), this.helloHave);
    this.helloHave += n;
    if (this.helloHave === h.length || this.skip - part.length <= 0) {
      const sni = sniOf(h.subarray(0, this.helloHave));
      if (sni) this.facts.sni = sni;
      this.hello = undefined;
    }
  }

  private plainAlert(): void {
    const [level, description] = this.alertBytes!;
    const at = this.alertAt!;
    this.alertBytes = undefined;
    if (this.facts.alerts.length < 16) this.facts.alerts.push({ side: this.side, t: at.t, frame: at.frame, encrypted: false, level, description });
  }
}

export class TlsTracker {
  private readonly f: TlsFacts = { handshake: false, appDataOrig: 0, appDataResp: 0, alerts: [] };
  private readonly orig = new RecordReader('orig', this.f);
  private readonly resp = new RecordReader('resp', this.f);

  constructor() {
    this.orig.peer = this.resp;
  }

  data(side: Side, b: Uint8Array, at: Pkt): void {
    (side === 'orig' ? this.orig : this.resp).feed(b, at);
  }

  gap(side: Side): void {
    (side === 'orig' ? this.orig : this.resp).gap();
  }

  /** the facts, with the cited frames made once at the end (not per record) */
  facts(): TlsFacts {
    const f = this.f;
    const o = this.orig.appData;
    const r = this.resp.appData;
    f.appDataOrig = o.records;
    f.appDataResp = r.records;
    if (o.first) f.firstAppDataOrig = frameRef(o.first, 'Application Data');
    if (o.last) f.lastAppDataOrig = frameRef(o.last, 'Application Data');
    if (r.first) f.firstAppDataResp = frameRef(r.first, 'Application Data');
    if (r.last) f.lastAppDataResp = frameRef(r.last, 'Application Data');
    return f;
  }
}

/** TLS as an application analyzer: record facts only (the payload is encrypted). */
export class TlsAnalyzer {
  readonly tracker = new TlsTracker();
  units = 0;
  data(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void {
    this.tracker.data(side, start === 0 && end === b.length ? b : b.subarray(start, end), at);
  }
  gap(side: Side): void {
    this.tracker.gap(side);
  }
  fin(): void {}
  rst(): void {}
  end(): void {}
  facts(conn: { tls?: TlsFacts }): void {
    conn.tls = this.tracker.facts();
  }
  quiet(): boolean {
    return true;
  }
}
