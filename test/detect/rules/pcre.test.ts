// The PCRE -> JavaScript translation: each rewritten construct behaves as PCRE does on bytes
// (latin1 strings here).

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type PcreOptions, pcreToJs } from '../../../src/detect/rules/keywords/pcre-js.js';

const NONE: PcreOptions = {
  caseless: false,
  dotall: false,
  multiline: false,
  extended: false,
  dollarEndOnly: false,
  ungreedy: false,
};
const re = (src: string, opts: Partial<PcreOptions> = {}): RegExp => {
  const js = pcreToJs(src, { ...NONE, ...opts });
  return new RegExp(js.source, js.flags);
};
const first = (src: string, s: string, opts: Partial<PcreOptions> = {}): string | null =>
  re(src, opts).exec(s)?.[0] ?? null;

describe('pcreToJs', () => {
  it('keeps ordinary patterns', () => {
    expect(pcreToJs('union\\s+(all\\s+)?select', { ...NONE, caseless: true }).flags).toBe('i');
    expect(re('union\\s+(all\\s+)?select', { caseless: true }).test('UNION  ALL select')).toBe(true);
    expect(re('[\\x18-\\x3f][A-Za-z0-9+\\/=]{24,63}').test('\x20AAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(true);
    expect(re('action=[^&]*[`$|]').test('action=a|b')).toBe(true);
    expect(re('javascript\\:').test('javascript:')).toBe(true);
  });

  it('dot matches \\r but not \\n; s makes it match everything', () => {
    expect(re('a.b').test('a\rb')).toBe(true);
    expect(re('a.b').test('a\nb')).toBe(false);
    expect(re('a.b', { dotall: true }).test('a\nb')).toBe(true);
    expect(first('(?P<flow_ua>.*)\\r\\n', 'Mozilla\r\nX')).toBe('Mozilla\r\n');
  });

  it('$ matches at the end or before a final newline; E and \\z only at the end', () => {
    expect(re('abc$').test('abc\n')).toBe(true);
    expect(re('abc$').test('abc\n\n')).toBe(false);
    expect(re('abc$', { dollarEndOnly: true }).test('abc\n')).toBe(false);
    expect(re('abc\\Z').test('abc\n')).toBe(true);
    expect(re('abc\\z').test('abc\n')).toBe(false);
    expect(re('\\Aabc').test('xabc')).toBe(false);
    expect(re('\\Aabc').test('abc')).toBe(true);
  });

  it('multiline ^ and $ split lines on \\n only', () => {
    expect(re('^b', { multiline: true }).test('a\nb')).toBe(true);
    expect(re('^b', { multiline: true }).test('a\rb')).toBe(false);
    expect(re('a$', { multiline: true }).test('a\nb')).toBe(true);
    expect(re('a$', { multiline: true }).test('a\rb')).toBe(false);
    expect(re('^b').test('a\nb')).toBe(false);
  });

  it('\\s, \\h, \\v, \\R, \\N follow PCRE byte semantics', () => {
    expect(re('a\\sb').test('a\xa0b')).toBe(false);
    expect(re('a\\sb').test('a\x0bb')).toBe(true);
    expect(re('a[\\s]b').test('a\tb')).toBe(true);
    expect(re('a\\hb').test('a\xa0b')).toBe(true);
    expect(re('a\\vb').test('a\x85b')).toBe(true);
    expect(re('a\\Rb').test('a\r\nb')).toBe(true);
    expect(re('a\\Nb').test('a\rb')).toBe(true);
    expect(re('a\\Nb').test('a\nb')).toBe(false);
  });

  it('named groups and back references', () => {
    expect(re('(?P<x>ab)-(?P=x)').test('ab-ab')).toBe(true);
    expect(re("(?'x'ab)-\\k{x}").test('ab-ab')).toBe(true);
    expect(re('(?<x>ab)-\\k<x>').test('ab-ba')).toBe(false);
    expect(re('(a)(b)\\g{-1}\\g1').test('abba')).toBe(true);
    expect(re('(a)\\1').test('aa')).toBe(true);
  });

  it('inline options: leading, scoped and switched off', () => {
    expect(pcreToJs('(?i)abc', NONE).flags).toBe('i');
    expect(re('(?i)abc').test('ABC')).toBe(true);
    const mixed = pcreToJs('a(?i)b', NONE);
    expect(mixed.flags).toBe('');
    expect(re('a(?i)b').test('aB')).toBe(true);
    expect(re('a(?i)b').test('AB')).toBe(false);
    expect(re('(?i:ab)c').test('ABc')).toBe(true);
    expect(re('(?i:ab)c').test('ABC')).toBe(false);
    expect(re('a(?-i)b', { caseless: true }).test('Ab')).toBe(true);
    expect(re('a(?-i)b', { caseless: true }).test('AB')).toBe(false);
    expect(re('x(?i)[a-c]').test('xB')).toBe(true);
    expect(re('x(?i)[a-c]').test('Xb')).toBe(false);
    expect(re('(?s)a.b').test('a\nb')).toBe(true);
    expect(re('(?m)^b').test('a\nb')).toBe(true);
  });

  it('x mode strips whitespace and comments outside classes', () => {
    expect(re('a b # comment\n c [ ]', { extended: true }).test('abc ')).toBe(true);
    expect(re('a\\ b', { extended: true }).test('a b')).toBe(true);
  });

  it('G makes quantifiers lazy and ? greedy', () => {
    expect(first('a.*b', 'aXbYb', { ungreedy: true })).toBe('aXb');
    expect(first('a.*?b', 'aXbYb', { ungreedy: true })).toBe('aXbYb');
    expect(first('(?U)a.*b', 'aXbYb')).toBe('aXb');
  });

  it('POSIX classes, literal braces, leading ] in a class', () => {
    expect(re('^[[:digit:]]+$').test('123')).toBe(true);
    expect(re('^[[:alpha:][:digit:]_]+$').test('ab_9')).toBe(true);
    expect(re('[[:punct:]]').test('a')).toBe(false);
    expect(re('a{').test('a{')).toBe(true);
    expect(re('x{,5}').test('x{,5}')).toBe(true);
    expect(re('x{2,3}').test('xx')).toBe(true);
    expect(re('[]a]').test(']')).toBe(true);
    expect(re('[^]a]').test(']')).toBe(false);
    expect(re('[a-]').test('-')).toBe(true);
  });

  it('character escapes', () => {
    expect(re('\\x{41}\\x4\\0\\e\\a\\o{101}\\cA').test('A\x04\x00\x1b\x07A\x01')).toBe(true);
    expect(re('\\Q.*+\\E').test('.*+')).toBe(true);
    expect(re('\\Q.*+\\E').test('abc')).toBe(false);
    expect(re('[\\x41-\\x43]').test('B')).toBe(true);
    expect(re('[\\Q]\\E]').test(']')).toBe(true);
    expect(re('\\/etc\\/passwd').test('/etc/passwd')).toBe(true);
  });

  it('non-ASCII pattern characters are their UTF-8 bytes', () => {
    expect(re('é').test('\xc3\xa9')).toBe(true);
    expect(re('[é]').test('\xa9')).toBe(true);
  });

  it('approximations are flagged inexact', () => {
    expect(pcreToJs('a++b', NONE).exact).toBe(false);
    expect(pcreToJs('(?>ab)c', NONE).exact).toBe(false);
    expect(pcreToJs('a+b', NONE).exact).toBe(true);
    expect(re('(?>ab|a)c').test('abc')).toBe(true);
  });

  it('refuses what JavaScript cannot express', () => {
    const refused = [
      '[[:constructor:]]',
      'a(?R)',
      '(?(1)a|b)',
      '\\Ga',
      'a\\Kb',
      '\\p{L}',
      '(*UTF8)a',
      '(?|a)',
      'a**',
      '(a',
      'a)',
      '[a',
    ];
    for (const p of [...refused, '\\x{100}', '[[:^alpha:]]']) expect(() => pcreToJs(p, NONE), p).toThrow();
  });
});

describe('pcreToJs, RE2 dialect', () => {
  // RE2 has no look-around: anchors are written natively and must mean what PCRE's mean.
  const RE2 = createRequire(import.meta.url)('re2') as new (s: string, f: string) => RegExp;
  const re2 = (src: string, opts: Partial<PcreOptions> = {}): RegExp => {
    const r = pcreToJs(src, { ...NONE, ...opts }, 're2');
    return new RE2(r.source, r.flags);
  };

  it('spells ^ $ \\A \\z \\Z without look-around, with PCRE meanings', () => {
    expect(re2('^GET$').test('GET')).toBe(true);
    expect(re2('^GET$').test('GET\n')).toBe(true); // $ before a final newline
    expect(re2('^GET$').test('GET\nx')).toBe(false);
    expect(re2('^b$', { multiline: true }).test('a\nb\nc')).toBe(true);
    expect(re2('^b$').test('a\nb\nc')).toBe(false);
    expect(re2('\\Aab\\z').test('ab')).toBe(true);
    expect(re2('\\Aab\\z').test('ab\n')).toBe(false);
    expect(re2('ab\\Z').test('ab\n')).toBe(true);
    expect(re2('x$', { dollarEndOnly: true }).test('x\n')).toBe(false);
    for (const p of ['^a$', '\\Aa\\Z', '^a$']) expect(pcreToJs(p, NONE, 're2').source).not.toMatch(/\(\?<?[=!]/);
  });
});
