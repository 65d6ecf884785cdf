/**
 * curl's write-out variable names, the names bindings use for the same
 * values (PHP curl_getinfo, Typhoeus, pycurl), and the labels people put in
 * their `-w` templates ("Lookup Time:"), mapped to one canonical name.
 */

/** Canonical names: curl's own -w variables. */
export const KNOWN_VARS: ReadonlySet<string> = new Set([
  'certs', 'conn_id', 'content_type', 'curl_version', 'errormsg', 'exitcode', 'filename_effective', 'ftp_entry_path',
  'header_json', 'http_code', 'http_connect', 'http_version', 'json', 'local_ip', 'local_port', 'method', 'num_certs',
  'num_connects', 'num_headers', 'num_redirects', 'num_retries', 'onerror', 'proxy_ssl_verify_result', 'proxy_used',
  'redirect_url', 'referer', 'remote_ip', 'remote_port', 'response_code', 'scheme', 'size_delivered', 'size_download',
  'size_header', 'size_request', 'size_upload', 'speed_download', 'speed_upload', 'ssl_verify_result', 'stderr', 'stdout',
  'time_appconnect', 'time_connect', 'time_namelookup', 'time_posttransfer', 'time_pretransfer', 'time_queue',
  'time_redirect', 'time_starttransfer', 'time_total', 'tls_earlydata', 'url', 'url_effective', 'urlnum', 'xfer_id',
  // not curl's, but what scripts and bindings add beside them
  'content_length_download', 'content_length_upload', 'return_code', 'start_time',
]);

const ALIASES: Readonly<Record<string, string>> = {
  // PHP curl_getinfo() / Typhoeus / pycurl names
  total_time: 'time_total',
  namelookup_time: 'time_namelookup',
  connect_time: 'time_connect',
  appconnect_time: 'time_appconnect',
  pretransfer_time: 'time_pretransfer',
  starttransfer_time: 'time_starttransfer',
  redirect_time: 'time_redirect',
  posttransfer_time: 'time_posttransfer',
  primary_ip: 'remote_ip',
  primary_port: 'remote_port',
  effective_url: 'url_effective',
  header_size: 'size_header',
  request_size: 'size_request',
  download_content_length: 'content_length_download',
  upload_content_length: 'content_length_upload',
  redirect_count: 'num_redirects',
  http_status: 'http_code',
  status: 'http_code',
  status_code: 'http_code',
  curl_errno: 'exitcode',
  curl_error: 'errormsg',
  exit: 'exitcode',
  exit_code: 'exitcode',
  curl_exit: 'exitcode',
  rc: 'exitcode',
  error: 'errormsg',
  error_message: 'errormsg',
  // human labels in -w templates
  lookup_time: 'time_namelookup',
  dns_lookup: 'time_namelookup',
  dns_time: 'time_namelookup',
  name_lookup_time: 'time_namelookup',
  tcp_connect: 'time_connect',
  tcp_handshake: 'time_connect',
  tls_handshake: 'time_appconnect',
  ssl_handshake: 'time_appconnect',
  app_connect_time: 'time_appconnect',
  pre_transfer_time: 'time_pretransfer',
  start_transfer_time: 'time_starttransfer',
  time_to_first_byte: 'time_starttransfer',
  ttfb: 'time_starttransfer',
  time_total_: 'time_total',
  total: 'time_total',
  http_response_code: 'http_code',
  response_code_: 'http_code',
  download_size: 'size_download',
  upload_size: 'size_upload',
  downloaded: 'size_download',
  uploaded: 'size_upload',
  remote_address: 'remote_ip',
  local_address: 'local_ip',
  // times scripts log beside each call
  time: 'start_time',
  timestamp: 'start_time',
  ts: 'start_time',
  date: 'start_time',
  datetime: 'start_time',
  '@timestamp': 'start_time',
  started_at: 'start_time',
  start: 'start_time',
  epoch: 'start_time',
};

/** Names as written → canonical name, or undefined when it is no name we know. */
export function canonicalVar(raw: string): string | undefined {
  const n = raw
    .trim()
    .replace(/^%\{|\}$/g, '')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (KNOWN_VARS.has(n)) return n;
  if (/^(?:url|urle)\.[a-z]+$/.test(n)) return n;
  if (ALIASES[n]) return ALIASES[n];
  if (!n.includes('_')) return undefined;
  // "Time total", "Total Time", "Start-transfer Time": word order varies.
  return BY_WORDS[n.split('_').filter(Boolean).sort().join('_')];
}

const BY_WORDS: Readonly<Record<string, string>> = {
  time_total: 'time_total',
  lookup_time: 'time_namelookup',
  connect_time: 'time_connect',
  pre_time_transfer: 'time_pretransfer',
  start_time_transfer: 'time_starttransfer',
  appconnect_time: 'time_appconnect',
  redirect_time: 'time_redirect',
  code_http: 'http_code',
  code_response: 'http_code',
};

export const TIME_VARS: Readonly<Record<string, keyof import('../../src/model/index.js').CurlTimings>> = {
  time_namelookup: 'namelookup',
  time_connect: 'connect',
  time_appconnect: 'appconnect',
  time_pretransfer: 'pretransfer',
  time_posttransfer: 'posttransfer',
  time_starttransfer: 'starttransfer',
  time_total: 'total',
  time_redirect: 'redirect',
  time_queue: 'queue',
};

/** Names that are curl's own variables or a binding's getinfo names: never anything but a -w value. */
const BINDING_NAMES: ReadonlySet<string> = new Set([
  'total_time', 'namelookup_time', 'connect_time', 'appconnect_time', 'pretransfer_time', 'starttransfer_time', 'redirect_time',
  'primary_ip', 'primary_port', 'effective_url', 'header_size', 'request_size', 'download_content_length', 'upload_content_length',
  'curl_errno', 'return_code',
]);
const TOO_COMMON: ReadonlySet<string> = new Set(['url', 'method', 'scheme', 'referer', 'stdout', 'stderr', 'json', 'onerror', 'content_type']);

export function isCurlVarName(raw: string): boolean {
  const n = raw.trim().replace(/^%\{|\}$/g, '').toLowerCase();
  if (TOO_COMMON.has(n)) return false;
  return KNOWN_VARS.has(n) || BINDING_NAMES.has(n) || /^urle?\.[a-z]+$/.test(n);
}

/** Every canonical name canonicalVar can give from its tables, to itself: the names as written here. */
const WRITTEN: ReadonlyMap<string, string> = new Map(
  [...KNOWN_VARS, ...Object.values(ALIASES), ...Object.values(BY_WORDS), ...Object.keys(TIME_VARS)].map((n) => [n, n]),
);

/** Names remembered per reader at most: a log's labels repeat, its noise does not. */
const MAX_REMEMBERED_NAMES = 4096;

/**
 * `canonicalVar` and `isCurlVarName`, remembered per reader: a log asks about
 * the same few labels (`app.INFO`, `PHP Notice`) on every line, a %{json}
 * file about the same fifty keys on every object. Bounded: forgotten wholesale
 * when full.
 */
export class VarNames {
  private canon = new Map<string, string | undefined>();
  private curl = new Map<string, boolean>();

  canonical(raw: string): string | undefined {
    const c = this.canon;
    let v = c.get(raw);
    if (v === undefined && !c.has(raw)) {
      v = canonicalVar(raw);
      // the name as this module writes it (an internalized string) rather than the one made of the
      // line: the reader compares canonical names with the names it knows (`=== 'exitcode'`, LOG_VARS,
      // applyLogVars' look-ups) and makes them the keys of a transfer's variables, for every pair of
      // every line, which a string made at run time pays for by its characters and a look-up
      if (v !== undefined) v = WRITTEN.get(v) ?? v;
      if (c.size >= MAX_REMEMBERED_NAMES) c.clear();
      c.set(raw, v);
    }
    return v;
  }

  isCurl(raw: string): boolean {
    const c = this.curl;
    let v = c.get(raw);
    if (v === undefined) {
      v = isCurlVarName(raw);
      if (c.size >= MAX_REMEMBERED_NAMES) c.clear();
      c.set(raw, v);
    }
    return v;
  }
}
