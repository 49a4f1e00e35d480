// The bundled rule set (signatures/*.rules): every rule loads and carries its metadata, and
// every rule fires on crafted traffic and stays quiet on a benign look-alike (cases.ts).
//
// All the traffic goes into one pcap, each exchange between addresses of its own, and one
// `vsids replay -S signatures/` run; alerts are attributed to exchanges by address.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PcapRecord } from '../capture/build.js';
import { jsonLines, REPO, vsids } from '../helpers/cli.js';
import { writePcap } from '../helpers/conversation.js';
import { CASES, type SignatureCase, trafficList } from './cases.js';
import type { Traffic } from './traffic.js';

const SIG_DIR = join(REPO, 'signatures');
const SID_MIN = 1500000;
const SID_MAX = 1599999;

// ---------------------------------------------------------------------------------------------
// Reading the rule files (plain text: the checks here must not depend on the parser under test)

interface RuleInfo {
  file: string;
  line: number;
  text: string;
  options: Map<string, string[]>;
}

function readRules(): RuleInfo[] {
  const out: RuleInfo[] = [];
  for (const file of readdirSync(SIG_DIR)
    .filter((f) => f.endsWith('.rules'))
    .sort()) {
    const lines = readFileSync(join(SIG_DIR, file), 'utf8').split('\n');
    lines.forEach((raw, i) => {
      const text = raw.trim();
      if (text === '' || text.startsWith('#')) return;
      const open = text.indexOf('(');
      const options = new Map<string, string[]>();
      // Options end at a ';' not preceded by a backslash.
      for (const m of text.slice(open + 1, text.lastIndexOf(')')).matchAll(/\s*([a-z0-9_.-]+)\s*(?::((?:\\.|[^;\\])*))?;/gi)) {
        const name = m[1]!.toLowerCase();
        options.set(name, [...(options.get(name) ?? []), (m[2] ?? '').trim()]);
      }
      out.push({ file, line: i + 1, text, options });
    });
  }
  return out;
}

const one = (r: RuleInfo, name: string): string | undefined => r.options.get(name)?.[0];
const sidOf = (r: RuleInfo): number => Number(one(r, 'sid'));
const isNoalert = (r: RuleInfo): boolean =>
  r.options.has('noalert') || (r.options.get('flowbits') ?? []).some((v) => v.toLowerCase() === 'noalert');

function classtypes(): Set<string> {
  const text = readFileSync(join(SIG_DIR, 'classification.config'), 'utf8');
  return new Set([...text.matchAll(/^config classification:\s*([^,\s]+)\s*,/gm)].map((m) => m[1]!));
}

const RULES = readRules();

describe('bundled signatures: rule files', () => {
  it('every rule loads (vsids rules check: 0 rejected)', () => {
    const r = vsids(['rules', 'check', SIG_DIR]);
    expect(r.stderr + r.stdout).toMatch(new RegExp(`\\b${RULES.length} rules loaded, 0 rejected`));
    expect(r.code).toBe(0);
  });

  it('sids are unique and in the local range 1500000-1599999', () => {
    const seen = new Map<number, string>();
    for (const r of RULES) {
      const sid = sidOf(r);
      const where = `${r.file}:${r.line}`;
      expect(Number.isInteger(sid), `${where}: sid`).toBe(true);
      expect(sid, where).toBeGreaterThanOrEqual(SID_MIN);
      expect(sid, where).toBeLessThanOrEqual(SID_MAX);
      expect(seen.get(sid), `${where}: sid ${sid} also at`).toBeUndefined();
      seen.set(sid, where);
    }
  });

  it('every rule has msg, a known classtype, rev, and reference or metadata', () => {
    const known = classtypes();
    for (const r of RULES) {
      const where = `${r.file}:${r.line} (sid ${sidOf(r)})`;
      expect(one(r, 'msg') ?? '', `${where}: msg`).toMatch(/^"VSIDS [A-Z]+ .+"$/);
      expect(known.has(one(r, 'classtype') ?? ''), `${where}: classtype ${one(r, 'classtype')}`).toBe(true);
      expect(one(r, 'rev') ?? '', `${where}: rev`).toMatch(/^[1-9]\d*$/);
      expect(r.options.has('reference') || r.options.has('metadata'), `${where}: reference or metadata`).toBe(true);
    }
  });

  it('every rule has a test case and every case a rule', () => {
    const ruleSids = RULES.map(sidOf).sort();
    const caseSids = CASES.map((c) => c.sid).sort();
    expect(caseSids).toEqual(ruleSids);
  });

  it('noalert rules are proven through a rule that alerts', () => {
    const bySid = new Map(RULES.map((r) => [sidOf(r), r]));
    for (const c of CASES) {
      const rule = bySid.get(c.sid)!;
      if (isNoalert(rule)) {
        expect(c.expect, `sid ${c.sid} is noalert: its case needs "expect"`).toBeDefined();
        expect(isNoalert(bySid.get(c.expect!)!), `sid ${c.expect} must alert`).toBe(false);
      } else {
        expect(c.expect ?? c.sid, `sid ${c.sid} alerts itself`).toBe(c.sid);
      }
    }
  });

  it('stay quiet on the bundled sample captures (ordinary inter-VM traffic)', () => {
    const captures = readdirSync(join(REPO, 'captures'))
      .filter((f) => /\.pcap(ng)?$/.test(f))
      .map((f) => join(REPO, 'captures', f));
    const r = vsids(['replay', ...captures, '-S', SIG_DIR, '-l', '-', '--eve-types', 'alert']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((a) => (a.alert as { signature: string }).signature)).toEqual([]);
  });

  it('the README lists every sid', () => {
    const readme = readFileSync(join(SIG_DIR, 'README.md'), 'utf8');
    for (const r of RULES) expect(readme, `README: sid ${sidOf(r)}`).toContain(String(sidOf(r)));
  });
});

// ---------------------------------------------------------------------------------------------
// Traffic

interface Exchange {
  case: SignatureCase;
  side: 'positive' | 'negative';
  /** Which traffic of that side (several positives are allowed). */
  n: number;
  traffic: Traffic;
  client: string;
  server: string;
}

const EXCHANGES: Exchange[] = [];
for (const c of CASES) {
  for (const side of ['positive', 'negative'] as const) {
    trafficList(c[side]).forEach((traffic, n) => {
      const k = EXCHANGES.length;
      EXCHANGES.push({
        case: c,
        side,
        n,
        traffic,
        client: `10.${100 + (k >> 8)}.${k & 255}.1`,
        server: `10.${200 + (k >> 8)}.${k & 255}.2`,
      });
    });
  }
}

/** Alert count per sid, per exchange index. */
const fired = new Map<number, Map<number, number>>();
/** App-layer EVE event types (http, dns, tls) seen per exchange index. */
const parsed = new Map<number, Set<string>>();
const APP_EVENTS = ['http', 'dns', 'tls'];
/** Header protocol of each rule (alert <proto> ...). */
const PROTO = new Map(RULES.map((r) => [sidOf(r), r.text.split(/\s+/)[1]!]));
let replayError: string | null = null;
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vsids-signatures-'));
  const records: PcapRecord[] = EXCHANGES.flatMap((x) => x.traffic(x.client, x.server));
  const pcap = writePcap(dir, 'signatures.pcap', records);
  const eve = join(dir, 'eve.json');
  const types = ['alert', ...APP_EVENTS].join(',');
  const r = vsids(['replay', pcap, '-S', SIG_DIR, '-l', eve, '--eve-types', types], { timeoutMs: 120_000 });
  if (r.code !== 0) {
    replayError = `vsids replay exited ${r.code}: ${r.stderr}`;
    return;
  }
  const byIp = new Map<string, number>();
  EXCHANGES.forEach((x, k) => {
    byIp.set(x.client, k);
    byIp.set(x.server, k);
  });
  for (const rec of jsonLines(readFileSync(eve, 'utf8'))) {
    const k = byIp.get(String(rec.src_ip)) ?? byIp.get(String(rec.dest_ip));
    if (k === undefined) continue;
    if (rec.event_type !== 'alert') {
      if (!parsed.has(k)) parsed.set(k, new Set());
      parsed.get(k)!.add(String(rec.event_type));
      continue;
    }
    const sid = (rec.alert as { signature_id: number }).signature_id;
    if (!fired.has(k)) fired.set(k, new Map());
    const counts = fired.get(k)!;
    counts.set(sid, (counts.get(sid) ?? 0) + 1);
  }
}, 180_000);

afterAll(() => {
  // VSIDS_KEEP_SIGNATURE_PCAP=1 keeps the pcap and EVE file for a look at the whole replay.
  if (dir !== '' && process.env.VSIDS_KEEP_SIGNATURE_PCAP === undefined) rmSync(dir, { recursive: true, force: true });
  else if (dir !== '') console.log(`signature test capture kept in ${dir}`);
});

function alertsOf(x: Exchange): Map<number, number> {
  if (replayError !== null) throw new Error(replayError);
  return fired.get(EXCHANGES.indexOf(x)) ?? new Map();
}

describe('bundled signatures: each rule fires on its traffic and not on a look-alike', () => {
  for (const x of EXCHANGES) {
    const c = x.case;
    const label = x.side === 'positive' ? `fires on ${c.fires}` : `stays quiet on ${c.quiet}`;
    const name = `${c.sid} ${label}${x.n > 0 ? ` (#${x.n + 1})` : ''}`;
    const test = c.engineBug?.side === x.side ? it.fails : it;
    test(name, () => {
      const sids = alertsOf(x);
      const shown = `alerts: [${[...sids].map(([sid, n]) => `${sid}${n > 1 ? ` x${n}` : ''}`).join(', ')}]`;
      if (x.side === 'positive') {
        expect(sids.has(c.expect ?? c.sid), shown).toBe(true);
        if (c.alerts !== undefined) expect(sids.get(c.expect ?? c.sid), shown).toBe(c.alerts);
        // A noalert setter proves itself through its dependent rule, never by alerting.
        if (c.expect !== undefined) expect(sids.has(c.sid), shown).toBe(false);
      } else {
        expect(sids.has(c.expect ?? c.sid), shown).toBe(false);
        expect(sids.has(c.sid), shown).toBe(false);
        // The look-alike must reach the rule's buffers: an app-layer rule's negative is parsed
        // as that protocol, so the silence is the rule's doing.
        const proto = PROTO.get(c.expect ?? c.sid)!;
        if (APP_EVENTS.includes(proto)) expect([...(parsed.get(EXCHANGES.indexOf(x)) ?? [])]).toContain(proto);
      }
    });
  }
});
