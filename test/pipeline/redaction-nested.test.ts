/**
 * A secret in the query of a URL that a log line gives as a value (`url=http://…?access_token=…`):
 * the log line is evidence, quoted whole in the finding, so the secret must go wherever the line goes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSpec, runCase } from '../../src/pipeline/index.js';

const TOKEN = 'tok3nValue0123456789';

/** The URL as the log line gives it: plain, or percent-encoded as a query value (`?next=%2Forders%3Faccess_token%3D…`). */
const URLS = {
  plain: `url=http://svc.internal.test:10000/orders?access_token=${TOKEN}`,
  encoded: `url=http://svc.internal.test:10000/login?next=%2Forders%3Faccess_token%3D${TOKEN}`,
};

function phpLog(url = URLS.plain): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'faultline-nested-')), 'php-error.log');
  writeFileSync(
    file,
    `[23-Nov-2026 02:00:00 UTC] payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" ` +
      `${url} http_code=0 size_download=0 total_time=0.102140 local_port=40000\n`,
  );
  return file;
}

describe('a secret in a URL logged as a value', () => {
  it('is redacted in the finding: title, subject, evidence, everywhere', async () => {
    const r = await runCase(await buildSpec([phpLog()], { tz: ['UTC'] }));
    const reset = r.findings.find((f) => f.detector === 'curl-error-56');
    expect(reset?.evidence[0].text).toContain('access_token=[REDACTED] http_code=0');
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it('is redacted where the URL is percent-encoded inside another URL', async () => {
    const r = await runCase(await buildSpec([phpLog(URLS.encoded)], { tz: ['UTC'] }));
    const reset = r.findings.find((f) => f.detector === 'curl-error-56');
    expect(reset?.evidence[0].text).toContain('access_token%3D[REDACTED] http_code=0');
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it('is kept with --no-redact', async () => {
    const r = await runCase(await buildSpec([phpLog()], { tz: ['UTC'], redact: false }));
    expect(JSON.stringify(r)).toContain(TOKEN);
  });
});
