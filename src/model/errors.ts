/**
 * One error type with a stable code and a location (undici's habit: match on
 * the code, never on the message). User errors are printed as one line; only
 * `--debug` shows a stack.
 */
export type ErrorCode =
  | 'E_NOT_FOUND' // input path does not exist
  | 'E_UNREADABLE' // cannot open or read (permissions, a directory where a file was expected, I/O error)
  | 'E_UNKNOWN_FORMAT' // content is none of the formats we read
  | 'E_BAD_HEADER' // a capture's file header is wrong (magic, version, truncated header)
  | 'E_DECOMPRESS' // gzip data is corrupt or cut short (location: the compressed byte offset); what decoded before it is kept
  | 'E_ARCHIVE' // a .tar/.tar.gz/.zip that is not one, or is damaged
  | 'E_DIGEST_MISMATCH' // a source's bytes are not the sha256/size its spec names (changed since the run was planned)
  | 'E_EMPTY_FOLDER' // a folder held no trace at all
  | 'E_DETECTOR' // a detector threw; reported as that detector's failure
  | 'E_OUTPUT' // --output not writable
  | 'E_USAGE' // bad flag value found after oclif's own checks
  | 'E_CANCELLED' // the run was aborted (Ctrl-C, a cancelled upload, a removed job)
  | 'E_TIMEOUT' // a case ran past its time limit
  | 'E_LIMIT' // a case passed a limit set to protect the machine: an archive's decompressed bytes or member count, a worker's memory
  | 'E_QUEUE' // the distributed queue could not run the case: Redis unreachable or lost, the job lost with every worker that took it
  | 'E_CHANGED' // a source's bytes on a queue worker are not those the case was queued with (size or sha256 differ)
  | 'E_VERSION' // a queue worker runs another faultline version than the one that queued the case
  | 'E_INTERNAL'; // a bug of ours, kept on the input or case it hit

export interface Location {
  file?: string;
  /** 1-based line in a text input */
  line?: number;
  /** 1-based frame number (Wireshark's numbering) */
  packet?: number;
  /** byte offset into the (decompressed) input; for E_DECOMPRESS, into the compressed data as stored */
  byteOffset?: number;
}

export class FaultlineError extends Error {
  readonly code: ErrorCode;
  readonly location: Location;
  constructor(code: ErrorCode, message: string, location: Location = {}) {
    super(message);
    this.name = 'FaultlineError';
    this.code = code;
    this.location = location;
  }
  /** "file: line 3: message" — the one line a user sees */
  describe(): string {
    return [this.location.file, formatLocation(this.location), this.message].filter(Boolean).join(': ');
  }
}

/** "line 12", "packet 7 (byte 4096)", "byte 24" — without the file. */
export function formatLocation(loc: Location): string {
  const parts: string[] = [];
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.packet !== undefined) parts.push(`packet ${loc.packet}`);
  if (loc.byteOffset !== undefined) parts.push(parts.length ? `(byte ${loc.byteOffset})` : `byte ${loc.byteOffset}`);
  return parts.join(' ');
}
