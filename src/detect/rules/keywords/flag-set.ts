// Parsing shared by flags and fragbits: `[modifier]<letters>[,<ignore letters>]`, modifier one
// of + (these and maybe others), * (any of these), ! (none of these); default: exactly these.

import type { FlagSetTest } from '../types.js';
import { fail, own } from './util.js';

export function parseFlagSet(
  keyword: string,
  value: string,
  bits: Readonly<Record<string, number>>,
  allowMask: boolean,
  allowZero: boolean,
): FlagSetTest {
  const [main, mask, ...extra] = value.split(',').map((s) => s.trim());
  if (extra.length > 0) fail(keyword, `too many values in "${value}"`);
  let mode: FlagSetTest['mode'] = 'exact';
  let set = 0;
  let zero = false;
  for (const ch of main!.replace(/\s+/g, '')) {
    if (ch === '+' || ch === '*' || ch === '!') {
      const m = ch === '+' ? 'plus' : ch === '*' ? 'any' : 'not';
      if (mode !== 'exact' && mode !== m) fail(keyword, `modifiers conflict in "${main}"`);
      mode = m;
      continue;
    }
    if (ch === '0' && allowZero) {
      zero = true;
      continue;
    }
    const bit = own(bits, ch.toUpperCase());
    if (bit === undefined) fail(keyword, `unknown flag "${ch}" in "${main}"`);
    if (set & bit) fail(keyword, `flag "${ch}" repeated in "${main}"`);
    set |= bit;
  }
  if (zero && set !== 0) fail(keyword, `"0" (no flags) cannot be combined with other flags in "${main}"`);
  if (!zero && set === 0) fail(keyword, `no flags in "${value}"`);
  let ignore = 0;
  if (mask !== undefined) {
    if (!allowMask) fail(keyword, 'takes no ignore mask');
    if (mask === '') fail(keyword, 'empty ignore mask');
    for (const ch of mask) {
      const bit = own(bits, ch.toUpperCase());
      if (bit === undefined) fail(keyword, `unknown flag "${ch}" in ignore mask "${mask}"`);
      ignore |= bit;
    }
  }
  return { bits: set, mode, ignore };
}
