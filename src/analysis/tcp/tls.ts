import type { Side, TlsFacts } from '../../model/index.js';
import { frameRef, type Pkt } from './packet.js';

const CT_CCS = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPDATA = 23;
const MAX_RECORD = 16384 + 2048; /* bytes: TLSCiphertext limit */

/** Does a chunk start with a TLS record header (type 20–24, version 3.x)? */
export function looksLikeTls(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] >= CT_CCS && b[0] <= 24 && b[1] === 3 && b[2] <= 4;
}

/** Follows one direction's TLS record headers; contents are skipped, never kept. */
class RecordReader {
  private hdr = new Uint8Array(5);
  private have = 0;
  private skip = 0;
  private lost = false;
  private encrypted = false;
  /** plaintext alert body being read (2 bytes) */
  private alertBytes: number[] | undefined;
  private alertAt: Pkt | undefined;

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
    if (type === CT_HANDSHAKE) f.handshake = true;
    else if (type === CT_CCS) this.encrypted = true;
    else if (type === CT_APPDATA) {
      this.encrypted = true;
      if (this.side === 'orig') {
        f.appDataOrig++;
        f.firstAppDataOrig ??= frameRef(at, 'Application Data');
        f.lastAppDataOrig = frameRef(at, 'Application Data');
      } else {
        f.appDataResp++;
        f.firstAppDataResp ??= frameRef(at, 'Application Data');
        f.lastAppDataResp = frameRef(at, 'Application Data');
      }
    } else if (type === CT_ALERT) {
      if (!this.encrypted && len === 2) {
        this.alertBytes = [];
        this.alertAt = at;
      } else if (f.alerts.length < 16) f.alerts.push({ side: this.side, t: at.t, frame: at.frame, encrypted: true });
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
  readonly facts: TlsFacts = { handshake: false, appDataOrig: 0, appDataResp: 0, alerts: [] };
  private readonly orig = new RecordReader('orig', this.facts);
  private readonly resp = new RecordReader('resp', this.facts);

  data(side: Side, b: Uint8Array, at: Pkt): void {
    (side === 'orig' ? this.orig : this.resp).feed(b, at);
  }

  gap(side: Side): void {
    (side === 'orig' ? this.orig : this.resp).gap();
  }
}
