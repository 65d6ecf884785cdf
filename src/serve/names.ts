/**
 * Names a client sends (file names, the analysis name) are display text only:
 * files are stored under names of ours. What is shown is still cleaned so it
 * cannot pass for a path or break a header: no directories, no NUL or other
 * control characters, no name made only of dots, bounded length.
 */

const MAX_NAME = 200; /* characters */

/** A client's file name as reports print it: the last path segment, cleaned; `fallback` when nothing usable is left. */
export function displayName(clientName: string | undefined, fallback: string): string {
  const cleaned = clean(clientName ?? '')
    .split(/[\\/]/)
    .filter((seg) => seg !== '')
    .pop();
  if (cleaned === undefined || /^\.*$/.test(cleaned.trim())) return fallback;
  return cleaned.trim().slice(0, MAX_NAME);
}

/** Free text (an analysis name, a note) without control characters other than newlines; trimmed and bounded. */
export function cleanText(s: string, max: number, keepNewlines = false): string {
  const t = keepNewlines ? s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '') : clean(s);
  return t.trim().slice(0, max);
}

/** Distinct display names for one analysis: the pipeline keys inputs by name, so two `capture.pcap` become `capture.pcap` and `capture (2).pcap`. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let out = n;
    const dot = n.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [n.slice(0, dot), n.slice(dot)] : [n, ''];
    for (let k = 2; seen.has(out); k++) out = `${stem} (${k})${ext}`;
    seen.add(out);
    return out;
  });
}

/**
 * `Content-Disposition: attachment` for a download: an ASCII fallback name
 * (quotes, backslashes and non-ASCII replaced) plus the exact name in RFC 5987 form.
 */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`;
}

function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '');
}
