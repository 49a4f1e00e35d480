// The http.header / http.response_header buffer has a fast path for heads already in normal
// form (cleanHeaderBlock); wherever it answers, it must give the bytes the full normalisation
// (buildHeaderList) gives.

import { describe, expect, it } from 'vitest';
import { buildHeaderList, cleanHeaderBlock } from '../../src/app/http.js';
import { rng } from '../helpers/rng.js';

const NAMES = ['Host', 'User-Agent', 'Accept', 'cookie', 'Cookie', 'Set-Cookie', 'X-A', 'x-a', 'Content-Length', 'COOKIE'];
const VALUES = ['web', 'curl/8.0', 'a=1; b=2', '*/*', '42', 'x\ty', 'v'];

function randomHead(r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const lines: string[] = [];
  const n = Math.floor(r() * 7);
  for (let i = 0; i < n; i++) {
    const odd = r();
    const sep = odd < 0.05 ? ':' : odd < 0.1 ? ':  ' : odd < 0.13 ? ' : ' : odd < 0.16 ? ':\t' : ': ';
    const value = r() < 0.05 ? '' : pick(VALUES) + (r() < 0.05 ? ' ' : '');
    const eol = r() < 0.05 ? '\n' : '\r\n';
    lines.push(r() < 0.03 ? ` folded${eol}` : r() < 0.02 ? `NoColon${eol}` : `${pick(NAMES)}${sep}${value}${eol}`);
  }
  return `${lines.join('')}\r\n`;
}

describe('cleanHeaderBlock', () => {
  it('gives buildHeaderList\'s block wherever it answers, on random heads', () => {
    let answered = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const head = Buffer.from(`junk${randomHead(rng(seed))}`, 'latin1');
      for (const excluded of ['cookie', 'set-cookie']) {
        const fast = cleanHeaderBlock(head, 4, head.length, excluded);
        if (fast === null) continue;
        answered++;
        const slow = buildHeaderList(head, 4, head.length, excluded).block;
        expect(fast?.toString('latin1'), `seed ${seed} ${JSON.stringify(head.toString('latin1'))}`).toBe(
          slow?.toString('latin1'),
        );
      }
    }
    // The generator mostly writes clean heads: the fast path must take most of them.
    expect(answered).toBeGreaterThan(1500);
  });

  it('is a view of the head when the excluded field is absent, and leaves odd heads to the full path', () => {
    const head = Buffer.from('Host: web\r\nAccept: */*\r\n\r\n', 'latin1');
    const block = cleanHeaderBlock(head, 0, head.length, 'cookie')!;
    expect(block.toString('latin1')).toBe('Host: web\r\nAccept: */*\r\n');
    expect(block.buffer).toBe(head.buffer);
    const withCookie = Buffer.from('Host: web\r\nCookie: a=1\r\nAccept: */*\r\n\r\n', 'latin1');
    expect(cleanHeaderBlock(withCookie, 0, withCookie.length, 'cookie')!.toString('latin1')).toBe(
      'Host: web\r\nAccept: */*\r\n',
    );
    for (const odd of ['Host:  web\r\n\r\n', 'Host: web\n\r\n', 'A: 1\r\na: 2\r\n\r\n', 'A: 1\r\n b\r\n\r\n']) {
      const b = Buffer.from(odd, 'latin1');
      expect(cleanHeaderBlock(b, 0, b.length, 'cookie'), JSON.stringify(odd)).toBeNull();
    }
  });
});
