/**
 * File names for what batch writes. A case's name comes from the archive
 * being analysed (folder and member names, anyone's), so it is never used as
 * a path: the file name is a short readable slug of it plus a hash of the
 * whole name, which keeps two names that slug alike apart.
 */
import { createHash } from 'node:crypto';

const SLUG_MAX = 48; /* characters: readable in a listing, far from any file-name limit */

export function caseFileStem(caseName: string): string {
  const slug = caseName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/[-.]+$/, '');
  const hash = createHash('sha256').update(caseName, 'utf8').digest('hex').slice(0, 10);
  return `${slug || 'case'}-${hash}`;
}
