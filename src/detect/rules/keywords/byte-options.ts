// Option words shared by byte_test, byte_jump and byte_extract (after their positional values):
// relative, big, little, dce, string [,hex|dec|oct], bitmask N, multiplier N, align [N],
// from_beginning, from_end, post_offset N. Each keyword says which it accepts.

import type { ByteEndian, ByteStringBase } from '../types.js';
import { fail, parseSignedInt, parseUintBase0, U16_MAX, U32_MAX } from './util.js';

export interface ByteOptions {
  relative: boolean;
  endian: ByteEndian | null;
  string: boolean;
  base: ByteStringBase | null;
  bitmask: number | null;
  multiplier: number | null;
  /** `align` alone (byte_jump: 4) or `align N` (byte_extract: 2 or 4). */
  align: number | null;
  fromBeginning: boolean;
  fromEnd: boolean;
  postOffset: number | null;
}

export type ByteOptionName =
  | 'relative'
  | 'endian'
  | 'dce'
  | 'string'
  | 'bitmask'
  | 'multiplier'
  | 'align'
  | 'align-value'
  | 'from'
  | 'post_offset';

export function parseByteOptions(
  keyword: string,
  words: readonly string[],
  allowed: readonly ByteOptionName[],
): ByteOptions {
  const o: ByteOptions = {
    relative: false,
    endian: null,
    string: false,
    base: null,
    bitmask: null,
    multiplier: null,
    align: null,
    fromBeginning: false,
    fromEnd: false,
    postOffset: null,
  };
  const allow = (what: ByteOptionName, word: string): void => {
    if (!allowed.includes(what)) fail(keyword, `option "${word}" is not valid here`);
  };
  const setEndian = (e: ByteEndian, word: string): void => {
    if (o.endian !== null && o.endian !== e) fail(keyword, `"${word}" conflicts with "${o.endian}"`);
    o.endian = e;
  };
  for (const raw of words) {
    const word = raw.trim();
    if (word === '') fail(keyword, 'empty option (double comma?)');
    const [head, ...rest] = word.split(/\s+/);
    const arg = rest.join(' ');
    const key = head!.toLowerCase();
    const noArg = (): void => {
      if (arg !== '') fail(keyword, `option "${head}" takes no value`);
    };
    const needArg = (): string => {
      if (arg === '') fail(keyword, `option "${head}" needs a value`);
      return arg;
    };
    switch (key) {
      case 'relative':
        allow('relative', word);
        noArg();
        o.relative = true;
        break;
      case 'big':
      case 'little':
        allow('endian', word);
        noArg();
        setEndian(key, word);
        break;
      case 'dce':
        allow('dce', word);
        noArg();
        setEndian('dce', word);
        break;
      case 'string':
        allow('string', word);
        o.string = true;
        if (arg !== '') setBase(keyword, o, arg.toLowerCase());
        break;
      case 'hex':
      case 'dec':
      case 'oct':
        allow('string', word);
        noArg();
        setBase(keyword, o, key);
        break;
      case 'bitmask':
        allow('bitmask', word);
        o.bitmask = parseUintBase0(keyword, needArg(), U32_MAX, 'bitmask');
        if (o.bitmask === 0) fail(keyword, 'bitmask 0 can never match');
        break;
      case 'multiplier':
        allow('multiplier', word);
        o.multiplier = parseUintBase0(keyword, needArg(), U16_MAX, 'multiplier');
        if (o.multiplier === 0) fail(keyword, 'multiplier must be above 0');
        break;
      case 'align':
        if (allowed.includes('align-value')) {
          const v = needArg().trim();
          if (v !== '2' && v !== '4') fail(keyword, `align must be 2 or 4, got "${v}"`);
          o.align = Number(v);
        } else {
          allow('align', word);
          noArg();
          o.align = 4;
        }
        break;
      case 'from_beginning':
      case 'from_end':
        allow('from', word);
        noArg();
        if (key === 'from_beginning') o.fromBeginning = true;
        else o.fromEnd = true;
        if (o.fromBeginning && o.fromEnd) fail(keyword, '"from_beginning" and "from_end" cannot both be used');
        break;
      case 'post_offset':
        allow('post_offset', word);
        o.postOffset = parseSignedInt(keyword, needArg(), -U16_MAX, U16_MAX, 'post_offset');
        break;
      default:
        fail(keyword, `unknown option "${word}"`);
    }
  }
  if (o.base !== null && !o.string) fail(keyword, `base "${o.base}" needs "string"`);
  if (o.string && o.base === null) o.base = 'dec';
  if (o.endian === 'dce' && o.string) fail(keyword, '"dce" cannot be combined with "string"');
  return o;
}

function setBase(keyword: string, o: ByteOptions, base: string): void {
  if (base !== 'hex' && base !== 'dec' && base !== 'oct') fail(keyword, `"${base}" is not hex, dec or oct`);
  if (o.base !== null && o.base !== base) fail(keyword, `base "${base}" conflicts with "${o.base}"`);
  o.base = base;
}

/** Check a byte count: 1-8 for binary, 1-23 for string (Suricata's limits). */
export function checkNbytes(keyword: string, n: number, string: boolean, allowZero = false): void {
  if (n === 0 && allowZero) return;
  if (string) {
    if (n < 1 || n > 23) fail(keyword, `${n} bytes: "string" conversions read 1 to 23 bytes`);
  } else if (n < 1 || n > 8) fail(keyword, `${n} bytes: binary conversions read 1 to 8 bytes`);
}
