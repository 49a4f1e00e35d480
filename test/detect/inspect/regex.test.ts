// RE2 runs on the bytes of an all-ASCII buffer (no string conversion per call) and on the latin1
// text otherwise; both must find the same matches at the same offsets.

import { describe, expect, it } from 'vitest';
import { compileRegex } from '../../../src/detect/inspect/regex.js';
import { parseRule } from '../../../src/detect/rules/parser.js';
import type { PcreMatch } from '../../../src/detect/rules/types.js';

function pcreOf(pcre: string): PcreMatch {
  const rule = parseRule(`alert tcp any any -> any any (content:"x"; pcre:"${pcre}"; sid:1;)`);
  for (const l of rule.lists) for (const m of l.matches) if (m.kind === 'pcre') return m;
  throw new Error('no pcre');
}

const SUBJECTS = [
  'GET /index.php?id=1%27%20or%201=1 HTTP/1.1',
  '/etc/passwd and /ETC/SHADOW',
  'user=admin;cat /etc/hosts|wget http://x',
  'aaaa-bbbb-cccc',
  '',
];

describe('RE2 on ASCII bytes', () => {
  it('matches exactly as on the latin1 text, from any position and for relative subjects', () => {
    const patterns = ['/\\/etc\\/(?:passwd|shadow)/i', '/[\\x3b|`]\\s*(?:cat|wget)\\b/', '/^GET\\s/', '/b+-c/', '/(?:x|y)$/', '/=1/R'];
    for (const src of patterns) {
      const re = compileRegex(pcreOf(src));
      expect(re.engine).toBe('re2');
      for (const s of SUBJECTS) {
        const bytes = Buffer.from(s, 'latin1');
        for (const start of [0, 3]) {
          for (let from = start; from <= s.length; from += 5) {
            const onText = re.exec(s, from, start);
            const textStart = re.lastStart;
            const onBytes = re.exec(bytes, from, start);
            expect(onBytes, `${src} on ${JSON.stringify(s)} from ${from} start ${start}`).toBe(onText);
            if (onText >= 0) expect(re.lastStart).toBe(textStart);
          }
        }
      }
    }
  });
});
