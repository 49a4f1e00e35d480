// threshold: `threshold:type limit|threshold|both, track by_src|by_dst|by_both|by_rule|by_flow,
// count N, seconds N;` (the four settings in any order). One threshold or detection_filter per
// rule.

import type { ThresholdTrack } from '../types.js';
import type { KeywordDef } from './registry.js';
import { fail, parseUint, U32_MAX } from './util.js';

export const TRACKS: readonly ThresholdTrack[] = ['by_src', 'by_dst', 'by_both', 'by_rule', 'by_flow'];

/** Parse "key value, key value, ..." for the allowed keys; each key at most once. */
export function parseSettings(keyword: string, value: string, keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') fail(keyword, 'empty setting (double comma?)');
    const m = /^(\S+)\s+(\S+)$/.exec(item);
    if (m === null) fail(keyword, `"${item}" is not "<setting> <value>"`);
    const key = m[1]!.toLowerCase();
    if (!keys.includes(key)) fail(keyword, `unknown setting "${m[1]}" (${keys.join(', ')})`);
    if (out.has(key)) fail(keyword, `setting "${key}" given twice`);
    out.set(key, m[2]!);
  }
  for (const k of keys) if (!out.has(k)) fail(keyword, `missing "${k}"`);
  return out;
}

export function parseTrack(keyword: string, v: string): ThresholdTrack {
  const t = v.toLowerCase();
  if (!(TRACKS as readonly string[]).includes(t)) fail(keyword, `unknown track "${v}" (${TRACKS.join(', ')})`);
  return t as ThresholdTrack;
}

export function parseCountSeconds(keyword: string, s: Map<string, string>): { count: number; seconds: number } {
  const count = parseUint(keyword, s.get('count')!, U32_MAX, 'count');
  const seconds = parseUint(keyword, s.get('seconds')!, U32_MAX, 'seconds');
  if (count === 0) fail(keyword, 'count must be above 0');
  if (seconds === 0) fail(keyword, 'seconds must be above 0');
  return { count, seconds };
}

export const threshold: KeywordDef = {
  names: ['threshold'],
  value: 'required',
  setup(b, value, name) {
    if (b.threshold !== null) {
      fail(name, `only one threshold or detection_filter per rule (already has ${b.threshold.keyword})`);
    }
    const s = parseSettings(name, value!, ['type', 'track', 'count', 'seconds']);
    const type = s.get('type')!.toLowerCase();
    if (type !== 'limit' && type !== 'threshold' && type !== 'both') {
      fail(name, `unknown type "${s.get('type')}" (limit, threshold, both)`);
    }
    const track = parseTrack(name, s.get('track')!);
    b.threshold = { keyword: 'threshold', type, track, ...parseCountSeconds(name, s) };
  },
};
