import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pcreLiterals } from '../../../src/detect/rules/pcre-literals.js';

const SIGNATURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../signatures');

const lits = (src: string, extended = false): string[] | null =>
  pcreLiterals(src, extended)?.map((b) => Buffer.from(b).toString('latin1')) ?? null;

describe('pcreLiterals', () => {
  it('takes the longest run of literal characters a match must contain', () => {
    expect(lits('abc')).toEqual(['abc']);
    expect(lits('[a-z]+hello\\d')).toEqual(['hello']);
    expect(lits('^\\/ui\\/login\\x3f')).toEqual(['/ui/login?']);
    expect(lits('a{2}bcd')).toEqual(['bcd']);
    expect(lits('xy+zzz')).toEqual(['zzz']);
  });

  it('does not join characters an optional or repeated item separates', () => {
    // "abd" matches ab?c?d: neither "abc" nor "bcd" may be required
    expect(lits('ab?c?de')).toBeNull();
    expect(lits('abc?defg')).toEqual(['defg']);
    // xabbbcd matches xab+cd: "xab" is required, "xabc" is not
    expect(lits('xab+cd')).toEqual(['xab']);
    expect(lits('wxyz+abc')).toEqual(['wxyz']);
  });

  it('gives one literal per alternative, from groups the pattern must match', () => {
    expect(lits('\\/etc\\/(?:passwd|shadow)')).toEqual(['passwd', 'shadow']);
    expect(lits('(?:foo|barbaz)quux')).toEqual(['quux']);
    expect(lits('sleep\\(|waitfor delay')).toEqual(['sleep(', 'waitfor delay']);
    expect(lits('(?<name>abc|defg)hi')).toEqual(['abc', 'defg']);
  });

  it('finds nothing when an alternative or the whole pattern has no literal of 3 bytes', () => {
    expect(lits('foo|ba')).toBeNull();
    expect(lits('(abc)?de')).toBeNull();
    expect(lits('^(?:[^.]{1,63}\\.){9,}[^.]+$')).toBeNull();
    expect(lits('\\d+\\s\\w+')).toBeNull();
  });

  it('skips look-arounds and gives up on syntax it does not follow', () => {
    expect(lits('(?=abcd)xyz')).toEqual(['xyz']);
    expect(lits('(?<!abc)de')).toBeNull();
    expect(lits('(?i)abc')).toBeNull();
    expect(lits('(?i:abc)def')).toBeNull();
    expect(lits('\\Qabc\\E')).toBeNull();
    expect(lits('(abc)\\1')).toBeNull();
    expect(lits('a b c d', true)).toBeNull();
    expect(lits('abc)')).toBeNull();
  });

  it('reads escapes and classes as PCRE does', () => {
    expect(lits('\\x24\\x00abc')).toEqual(['$\0abc']);
    expect(lits('[]abc]defg')).toEqual(['defg']);
    expect(lits('[^]x]+hijk')).toEqual(['hijk']);
    expect(lits('[[:alpha:]]lmno')).toEqual(['lmno']);
    expect(lits('ab\\bcde')).toEqual(['cde']);
  });

  it('never names a literal that a match of a bundled pcre can lack', () => {
    // Each bundled pcre is run on strings made of its own literals' pieces: wherever it matches,
    // one of its literals must occur (case folded for /i).
    let checked = 0;
    for (const file of readdirSync(SIGNATURES).filter((f) => f.endsWith('.rules'))) {
      for (const line of readFileSync(join(SIGNATURES, file), 'utf8').split('\n')) {
        const m = /pcre:"\/(.*?)\/([A-Za-z]*)";/.exec(line);
        if (m === null) continue;
        const found = lits(m[1]!, m[2]!.includes('x'));
        if (found === null) continue;
        const nocase = m[2]!.includes('i');
        const re = new RegExp(m[1]!.replace(/\\\//g, '/'), nocase ? 'is' : 's');
        const samples = [...found, ...found.map((l) => l.slice(1)), ...found.map((l) => l.slice(0, -1))];
        for (const a of samples) {
          for (const b of samples) {
            const s = `${a}${b}`;
            if (!re.test(s)) continue;
            const hay = nocase ? s.toLowerCase() : s;
            expect(
              found.some((l) => hay.includes(nocase ? l.toLowerCase() : l)),
              `${m[1]} on ${JSON.stringify(s)}`,
            ).toBe(true);
          }
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
