import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { FaultlineError } from '../../model/errors.js';
import { QUEUE_IN_FLIGHT } from '../../queue/defaults.js';
import type { Runner } from '../../runner/types.js';
import { DEFAULT_MAX_PENDING } from '../../serve/defaults.js';
// Fastify, the worker pool (piscina) and the queue (bullmq) are imported in run(): `--help` loads none of them.
import { EXIT } from '../exit-codes.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export default class Serve extends Command {
  static override summary = 'A web page and an API to upload the evidence of an incident, get a report link and write notes for the postmortem.';
  static override description = `Uploads are analysed in a pool of worker threads and kept in the --data folder (inputs, results, reports, notes), written so that a crash never leaves half an analysis; on restart an analysis that was running is run again.
Without --token the server listens on 127.0.0.1 only (unless --host says otherwise) and anyone on this machine can use it. With --token (or FAULTLINE_TOKEN) every route but /healthz needs it: 'Authorization: Bearer TOKEN', or sign in on the page.

API: POST /api/analyses (multipart, field 'files', optional 'name') → 202 {id, url, status}; GET /api/analyses[?q=NAME]; GET /api/analyses/:id; POST /api/analyses/:id/notes {text, finding?}; DELETE /api/analyses/:id; GET /a/:id (HTML report), /a/:id.md (Markdown), /a/:id/inputs/:n (an uploaded input, as a download); GET /healthz.`;

  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 9000 --data /srv/faultline',
    'FAULTLINE_TOKEN=$(openssl rand -hex 16) <%= config.bin %> serve --host 0.0.0.0',
  ];

  static override flags = {
    port: Flags.integer({ default: 8080, min: 0, max: 65535, summary: 'port to listen on (0: any free port)' }),
    host: Flags.string({ summary: 'address to listen on (default 127.0.0.1)' }),
    data: Flags.string({ default: './faultline-data', summary: 'folder for uploads, results, reports and notes' }),
    token: Flags.string({ env: 'FAULTLINE_TOKEN', summary: 'access token every route but /healthz requires' }),
    'max-upload-mb': Flags.integer({ default: 512, min: 1, summary: 'largest upload (all its files together), in MB; larger gets 413' }),
    jobs: Flags.integer({ min: 1, summary: `analyses run at once (default: the number of CPUs; with --queue, analyses queued at once, default ${QUEUE_IN_FLIGHT})` }),
    queue: Flags.string({ summary: "run the analyses on 'faultline worker' processes anywhere, through this Redis: redis://HOST:PORT[/DB]. The workers must see --data at the same path" }),
    'max-pending': Flags.integer({ default: DEFAULT_MAX_PENDING, min: 1, summary: 'uploads and analyses in flight past which new uploads get 503 with Retry-After' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const host = flags.host ?? '127.0.0.1';
    const token = flags.token?.trim() || undefined;
    const jobs = flags.jobs ?? (flags.queue ? QUEUE_IN_FLIGHT : availableParallelism());
    const dataDir = path.resolve(flags.data);
    const say = (msg: string) => process.stderr.write(`faultline serve: ${msg}\n`);
    let runner: Runner;
    let queueDisplay: string | undefined;
    if (flags.queue) {
      try {
        const { QueueRunner } = await import('../../queue/index.js');
        const q = await QueueRunner.connect(flags.queue, { onNotice: say });
        queueDisplay = q.display;
        runner = q;
      } catch (err) {
        if (!(err instanceof FaultlineError)) throw err;
        process.stderr.write(`faultline: ${err.message}\n`);
        return this.exit(err.code === 'E_USAGE' ? EXIT.USAGE : EXIT.INTERNAL);
      }
    } else {
      // the worker pool: a big capture is analysed off the request thread, so the server keeps answering
      const { PoolRunner } = await import('../../runner/pool.js');
      runner = new PoolRunner({ jobs });
    }

    let server;
    try {
      const { buildServer } = await import('../../serve/index.js');
      server = await buildServer({
        dataDir,
        runner,
        token,
        maxUploadBytes: flags['max-upload-mb'] * 1024 * 1024,
        concurrency: jobs,
        maxPending: flags['max-pending'],
        allowedHosts: !token && LOOPBACK.has(host) ? ['127.0.0.1', 'localhost', '[::1]'] : undefined,
        log: say,
      });
    } catch (err) {
      say(`cannot use ${dataDir}: ${(err as Error).message}`);
      await runner.close();
      return this.exit(EXIT.INTERNAL);
    }
    const { app, store, skipped, resumed } = server;
    for (const s of skipped) say(`left alone in --data (unreadable): ${s}`);
    let address: string;
    try {
      address = await app.listen({ port: flags.port, host });
    } catch (err) {
      say(`cannot listen on ${host}:${flags.port}: ${(err as Error).message}`);
      await runner.close();
      return this.exit(EXIT.INTERNAL);
    }
    const n = store.list().length;
    say(`listening on ${address}/ · data in ${dataDir} (${n} analys${n === 1 ? 'is' : 'es'}${resumed ? `, ${resumed} run again after a stop` : ''}) · ${jobs} at once${queueDisplay !== undefined ? ` on the workers of ${queueDisplay}` : ''}`);
    if (!token) {
      say(
        LOOPBACK.has(host)
          ? `no --token: listening on ${host} only, so only this machine can reach it (and anyone on it can use it)`
          : `WARNING: no --token and --host ${host}: anyone who can reach this address can read, upload and delete analyses`,
      );
    } else say('a token is required on every route but /healthz');

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    say('stopping: analyses running now will run again at the next start');
    await app.close();
    await runner.close();
  }
}
