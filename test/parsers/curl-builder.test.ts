/**
 * Helpers of TransferBuilder that stand for a regex on every transfer: each must give what the
 * regex gives, on the forms hosts take and their near misses.
 */
import { describe, expect, it } from 'vitest';
import { withoutPort } from '../../parsers/curl/builder.js';

describe('withoutPort', () => {
  const values = ['127.0.0.1:50909', 'h', 'h:', ':80', 'h:8a', '[::1]:80', '[::1]', 'a:1:23', 'a:b', '', ':', '80', 'h:٣', 'h :80', 'h:80 ', 'Example.TEST:8080', 'x:0000000000000000000001'];
  for (const v of values) {
    it(`strips a trailing :port as value.replace(/:\\d+$/, '') does: ${JSON.stringify(v)}`, () => {
      expect(withoutPort(v)).toBe(v.replace(/:\d+$/, ''));
    });
  }
});
