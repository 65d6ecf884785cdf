/**
 * Analysis ids: 128 random bits, base64url (22 characters). A report link can
 * be shared without exposing the list, so ids must be unguessable, and since
 * they name folders under --data they are checked against this exact shape
 * before they touch a path.
 */
import { randomBytes } from 'node:crypto';

export const ID_BYTES = 16;
export const ID_PATTERN = '^[A-Za-z0-9_-]{22}$';
const ID_RE = new RegExp(ID_PATTERN);

export function newId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

export function isId(s: unknown): s is string {
  return typeof s === 'string' && ID_RE.test(s);
}
