/**
 * local-service-missing: a well-known local daemon's socket or port is not
 * there — postfix's pickup socket (mail() → sendmail → postdrop), php-fpm,
 * MySQL/MariaDB, PostgreSQL, Redis, memcached, Docker. Names the process that
 * tried and what ran it: in a container the daemon usually runs in another
 * container of the pod, or not at all.
 */
import type { FailedCall, FindingDraft } from '../model/index.js';
import { failedConnects } from './connect-failed/strace.js';
import { addrOf, addrText, failureDetails, type StraceFailureDetails, failureEvidence, failureKey, failureSubject, failureTime, progName, straceInputs } from './strace-facts.js';
import type { Detector } from './types.js';

interface Service {
  name: string;
  unix?: RegExp;
  ports?: number[];
  /** what to check, in one sentence */
  check: string;
}

export const SERVICES: readonly Service[] = [
  {
    name: 'postfix',
    unix: /^\/var\/spool\/postfix\/public\/(?:pickup|cleanup|qmgr)$/,
    ports: [25, 587],
    check: "start postfix in this container, or have PHP's sendmail_path (or the app's mailer) talk SMTP to the mail container instead of running the local sendmail",
  },
  { name: 'php-fpm', unix: /(?:^\/(?:var\/)?run\/php(?:-fpm)?\/.*\.sock$|php[\d.]*-fpm.*\.sock$)/, ports: [9000], check: 'start php-fpm, or point the web server at the php-fpm container (fastcgi_pass host:9000) instead of a socket path it cannot see' },
  { name: 'MySQL/MariaDB', unix: /\/mysqld?\.sock$/, ports: [3306], check: 'start the database, or use its host name and port (a socket path only works inside the database container); "localhost" makes the MySQL client use the socket' },
  { name: 'PostgreSQL', unix: /\/\.s\.PGSQL\.\d+$/, ports: [5432], check: 'start PostgreSQL, or set the host (PGHOST) to the database container instead of the local socket' },
  { name: 'Redis', unix: /redis[^/]*\.sock$/, ports: [6379], check: 'start Redis, or point the client at the Redis container' },
  { name: 'memcached', unix: /memcached[^/]*\.sock$/, ports: [11211], check: 'start memcached, or point the client at its container' },
  { name: 'Docker', unix: /\/docker\.sock$/, ports: [2375, 2376], check: 'mount /var/run/docker.sock into the container, or set DOCKER_HOST' },
];

function isLoopback(ip: string | undefined): boolean {
  return ip !== undefined && (ip.startsWith('127.') || ip === '::1' || ip === '::ffff:127.0.0.1');
}

export function serviceOf(f: FailedCall): Service | undefined {
  const a = addrOf(f);
  if (a === undefined) return undefined;
  if (a.family === 'AF_UNIX') return SERVICES.find((s) => s.unix !== undefined && a.path !== undefined && s.unix.test(a.path));
  if (!isLoopback(a.ip) || f.errno !== 'ECONNREFUSED') return undefined;
  return SERVICES.find((s) => s.ports?.includes(a.port ?? -1));
}

export type LocalServiceMissingDetails = StraceFailureDetails & {
  service: string;
  destination: string;
  /** the programs from the first ancestor down to the one that connected */
  process_chain: string[];
};

export const localServiceMissing: Detector = {
  id: 'local-service-missing',
  description: "A well-known local daemon's socket or port missing (postfix pickup, php-fpm, MySQL, PostgreSQL, Redis, memcached, Docker), naming the process that tried.",
  detect: (run) => {
    const out: FindingDraft[] = [];
    for (const { path, model } of straceInputs(run)) {
      for (const f of model.failedCalls) {
        if (!failedConnects(f) || f.recoveredBy !== undefined) continue;
        const s = serviceOf(f);
        if (s !== undefined) out.push(finding(path, f, s));
      }
    }
    return out;
  },
};

function finding(path: string, f: FailedCall, s: Service): FindingDraft {
  const where = addrText(addrOf(f))!;
  const prog = progName(f.exec?.path) ?? f.comm ?? `pid ${f.tgid}`;
  const chain = [...(f.ancestry ?? []).map((a) => progName(a.exec)).filter((x): x is string => x !== undefined).reverse(), ...(f.exec?.before ?? []).map((p) => progName(p)!), prog];
  const viaSendmail = s.name === 'postfix' && chain.includes('sendmail');
  const story = viaSendmail
    ? `${chain[0] === 'sendmail' ? 'sendmail' : `${chain[0]} ran sendmail`}${prog !== 'sendmail' ? `, whose ${prog}` : ', which'} could not reach postfix's ${where.slice(where.lastIndexOf('/') + 1)} socket (${where}: ${f.errno})`
    : `${prog} could not reach ${s.name} at ${where} (${f.errno})`;
  const details: LocalServiceMissingDetails = { ...failureDetails(f), service: s.name, destination: where, process_chain: chain };
  const title = `${story}: ${s.name} is not running in this container`;
  return {
    detector: 'local-service-missing',
    severity: 'error',
    title,
    input: path,
    start: f.call.t,
    end: failureTime(f),
    subject: failureSubject(f, 'connect'),
    evidence: failureEvidence(path, f),
    details,
    explanation: `${story}. ${f.errno === 'ENOENT' ? `Nothing exists at ${where}` : 'Nothing listens there'}: ${s.name} is not running where ${prog} runs (in a pod it usually runs in another container, which has its own filesystem and loopback unless they are shared). ${viaSendmail ? "PHP's mail() reports only false, and sendmail queues nothing, so mail is lost silently. " : ''}Fix: ${s.check}.`,
    lanes: [`${path}#tid:${f.pid}`],
    eventKeys: [failureKey(path, f), `connect:${where}`],
  };
}
