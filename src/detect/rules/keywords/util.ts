// Value parsing shared by keyword modules: errors that name the keyword, numbers, Suricata's
// integer comparisons, quoted strings and content byte strings.

import { type IntOrVar, RuleError, type UintCompare } from '../types.js';
import type { RuleBuilder } from './registry.js';

/** A table lookup that ignores inherited properties (`constructor`, `toString`...). */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Throw a rule error naming the keyword. */
export function fail(keyword: string, message: string): never {
  throw new RuleError(`${keyword}: ${message}`);
}

/** Strip one pair of surrounding double quotes, if present. */
export function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1);
  return v;
}

/** A value that must be quoted: returns the inside. */
export function requireQuoted(keyword: string, value: string): string {
  const v = value.trim();
  if (v.length < 2 || !v.startsWith('"') || !v.endsWith('"')) fail(keyword, `value must be in double quotes: ${v}`);
  return v.slice(1, -1);
}

/** Undo rule-text escaping (`\"`, `\;`, `\\`, `\:` ...): a backslash takes the next character literally. */
export function unescapeText(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      out += s[++i]!;
    } else out += c;
  }
  return out;
}

/** Split on commas and trim each part. */
export function splitArgs(value: string): string[] {
  return value.split(',').map((s) => s.trim());
}

const UNITS: Record<string, number> = {
  kb: 1024,
  kib: 1024,
  mb: 1048576,
  mib: 1048576,
  gb: 1073741824,
  gib: 1073741824,
};

/**
 * A non-negative integer: decimal, or hexadecimal with 0x. Throws naming the keyword when it is
 * not a number or is above `max`.
 */
export function parseUint(keyword: string, text: string, max: number, what = 'value', units = false): number {
  const t = text.trim();
  let n: number;
  const m = /^(0x[0-9a-f]+|\d+)\s*([kmg]i?b)?$/i.exec(t);
  if (m === null || (m[2] !== undefined && !units)) return fail(keyword, `${what} "${t}" is not a number`);
  n = Number(m[1]!.toLowerCase().startsWith('0x') ? Number.parseInt(m[1]!.slice(2), 16) : m[1]);
  if (m[2] !== undefined) n *= own(UNITS, m[2].toLowerCase())!;
  if (!Number.isSafeInteger(n) || n > max) return fail(keyword, `${what} ${t} is out of range (0-${max})`);
  return n;
}

/** A signed integer within [min, max]. */
export function parseSignedInt(keyword: string, text: string, min: number, max: number, what = 'value'): number {
  const t = text.trim();
  if (!/^[-+]?\d+$/.test(t)) return fail(keyword, `${what} "${t}" is not a number`);
  const n = Number(t);
  if (n < min || n > max) return fail(keyword, `${what} ${t} is out of range (${min} to ${max})`);
  return n;
}

/**
 * strtoul with base 0, as Suricata reads byte_* values: 0x.. hex, 0.. octal, else decimal.
 */
export function parseUintBase0(keyword: string, text: string, max: number, what = 'value'): number {
  const t = text.trim();
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(t)) n = Number.parseInt(t.slice(2), 16);
  else if (/^0[0-7]+$/.test(t)) n = Number.parseInt(t.slice(1), 8);
  else if (/^\d+$/.test(t)) n = Number(t);
  else return fail(keyword, `${what} "${t}" is not a number`);
  if (!Number.isSafeInteger(n) || n > max) return fail(keyword, `${what} ${t} is out of range (0-${max})`);
  return n;
}

export const U8_MAX = 0xff;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;
/** Largest integer kept exactly (u64 values above it are refused rather than rounded). */
export const U64_SAFE_MAX = Number.MAX_SAFE_INTEGER;
export const I32_MIN = -2147483648;
export const I32_MAX = 2147483647;

/**
 * Suricata's unsigned integer comparison (doc: rules/integer-keywords): `N`, `=N`, `!N`, `!=N`,
 * `<N`, `<=N`, `>N`, `>=N`, `A-B` or `A<>B` (exclusive), `!A-B`, `&M=V`, `&M!=V`.
 */
export function parseUintCompare(keyword: string, text: string, max: number, units = false): UintCompare {
  const t = text.trim();
  if (t === '') return fail(keyword, 'needs a value');
  const num = (s: string): number => parseUint(keyword, s, max, 'value', units);
  let m = /^&\s*(\S+?)\s*(!?=)\s*(\S+)$/.exec(t);
  if (m !== null) {
    const mask = num(m[1]!);
    const value = num(m[3]!);
    if ((value & mask) !== value) fail(keyword, `"${t}" can never match: value has bits outside the mask`);
    return { op: m[2] === '=' ? 'mask-eq' : 'mask-ne', mask, value };
  }
  m = /^(!?)\s*([^<>!=\s-][^<>=-]*?)\s*(?:-|<>)\s*([^<>=-]+)$/.exec(t);
  if (m !== null) {
    const min = num(m[2]!);
    const max2 = num(m[3]!);
    if (min >= max2) fail(keyword, `invalid range "${t}": the first value must be below the second`);
    return { op: m[1] === '!' ? 'notrange' : 'range', min, max: max2 };
  }
  m = /^(<=|>=|!=|<|>|=|!)?\s*(.+)$/.exec(t);
  if (m === null) return fail(keyword, `"${t}" is not a valid comparison`);
  const value = num(m[2]!);
  switch (m[1]) {
    case '<':
      if (value === 0) fail(keyword, '"<0" can never match');
      return { op: 'lt', value };
    case '<=':
      return { op: 'lte', value };
    case '>':
      if (value === max) fail(keyword, `">${value}" can never match`);
      return { op: 'gt', value };
    case '>=':
      return { op: 'gte', value };
    case '!':
    case '!=':
      return { op: 'ne', value };
    default:
      return { op: 'eq', value };
  }
}

/** Is this token a byte_extract variable name rather than a number? */
export function looksLikeVarName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text.trim());
}

/** A number, or the name of a byte_extract variable defined earlier in the rule. */
export function parseIntOrVar(
  b: RuleBuilder,
  keyword: string,
  text: string,
  parseNum: (t: string) => number,
  what = 'value',
): IntOrVar {
  const t = text.trim();
  if (looksLikeVarName(t)) {
    if (!b.byteVars.includes(t)) {
      fail(keyword, `${what} "${t}" is not a number nor a byte_extract variable defined earlier`);
    }
    return t;
  }
  return parseNum(t);
}

const HEX = /^[0-9a-fA-F]$/;

/**
 * Decode a content string (inside the quotes): `|41 42|` hex sections, `\"` `\;` `\:` `\\`
 * escapes, and any other byte as itself (latin1). Errors name the keyword.
 */
export function decodeContent(keyword: string, s: string): Uint8Array {
  const out: number[] = [];
  let hex = false;
  let nibble = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '|') {
      if (hex && nibble >= 0) fail(keyword, 'odd number of hex digits in |..|');
      hex = !hex;
      continue;
    }
    if (hex) {
      if (c === ' ' || c === '\t') {
        if (nibble >= 0) fail(keyword, 'hex digits must come in pairs in |..|');
        continue;
      }
      if (!HEX.test(c)) fail(keyword, `invalid character "${c}" in |..| hex section`);
      if (nibble < 0) nibble = Number.parseInt(c, 16);
      else {
        out.push((nibble << 4) | Number.parseInt(c, 16));
        nibble = -1;
      }
      continue;
    }
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) fail(keyword, 'trailing backslash');
      if (n !== '"' && n !== ';' && n !== ':' && n !== '\\') {
        fail(keyword, `invalid escape "\\${n}" (only \\" \\; \\: \\\\)`);
      }
      out.push(n.charCodeAt(0));
      i++;
      continue;
    }
    if (c === '"') fail(keyword, 'unescaped double quote inside the value');
    const code = c.charCodeAt(0);
    if (code >= 0x80) {
      // Non-ASCII text: its UTF-8 bytes, as Suricata reads the (UTF-8) rule file.
      for (const byte of Buffer.from(c, 'utf8')) out.push(byte);
    } else out.push(code);
  }
  if (hex) fail(keyword, 'missing closing "|"');
  if (out.length === 0) fail(keyword, 'empty pattern');
  return Uint8Array.from(out);
}
