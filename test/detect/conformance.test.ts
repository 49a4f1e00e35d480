// Conformance with Suricata's own verification suite: every case of
// ../shared/conformance/suricata-verify/ is replayed exactly as its README says
// (`vsids replay PCAP -S test.rules --no-default-rules -l OUT/eve.json`), and each check counts
// the EVE events whose dot-path conditions all hold. A case passes when the command exits 0
// and every count is right (and every line it wrote is valid EVE). The pass count is printed;
// the suite requires at least 90%.
//
// Cases that do not pass yet are listed in KNOWN_FAILURES with the reason; each of those is
// asserted to still fail, so fixing one is noticed (and the list shrinks).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, SHARED } from '../helpers/cli.js';
import { eveProblems } from '../helpers/eve-schema.js';

const SET = join(SHARED, 'conformance/suricata-verify/tests');

/** Cases known to fail, with why. */
const KNOWN_FAILURES: Record<string, string> = {
  'detect-bytetest-02':
    'Suricata alerts twice on one packet: once on the packet and again on the stream at flow end; vsids inspects TCP payload once, on the stream',
};

interface Check {
  sid: number | null;
  count: number;
  match: Record<string, unknown>;
}

interface Case {
  name: string;
  dir: string;
  pcap: string;
  rules: string;
  checks: Check[];
}

interface Outcome {
  ok: boolean;
  problems: string[];
}

function loadCases(): Case[] {
  if (!existsSync(SET)) return [];
  return readdirSync(SET)
    .sort()
    .map((name) => {
      const dir = join(SET, name);
      const e = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
        pcap: string;
        rules: string;
        checks: Check[];
      };
      return { name, dir, pcap: join(dir, e.pcap), rules: join(dir, e.rules), checks: e.checks };
    });
}

/** The value at a dot path (`a.b`, `a[0].b`), or undefined. */
function lookup(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) return undefined;
    if (m[1] !== '') {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[m[1]!];
    }
    for (const idx of m[2]!.match(/\d+/g) ?? []) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(idx)];
    }
  }
  return cur;
}

/** One suricata-verify condition (the suffixes follow its meaning). */
function holds(event: Record<string, unknown>, key: string, want: unknown): boolean {
  if (key === 'has-key') return lookup(event, String(want)) !== undefined;
  if (key === 'not-has-key') return lookup(event, String(want)) === undefined;
  const m = /^(.*)\.__(len|contains|startswith|endswith|gt|gte|lt|lte)$/.exec(key);
  if (m === null) return JSON.stringify(lookup(event, key)) === JSON.stringify(want);
  const v = lookup(event, m[1]!);
  switch (m[2]) {
    case 'len':
      return (Array.isArray(v) || typeof v === 'string') && v.length === want;
    case 'contains':
      return (Array.isArray(v) || typeof v === 'string') && (v as unknown[]).includes(want as never);
    case 'startswith':
      return typeof v === 'string' && v.startsWith(String(want));
    case 'endswith':
      return typeof v === 'string' && v.endsWith(String(want));
    case 'gt':
      return typeof v === 'number' && v > (want as number);
    case 'gte':
      return typeof v === 'number' && v >= (want as number);
    case 'lt':
      return typeof v === 'number' && v < (want as number);
    default:
      return typeof v === 'number' && v <= (want as number);
  }
}

function runCase(c: Case, out: string): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    const eve = join(out, `${c.name}.json`);
    const child = spawn(
      process.execPath,
      [BIN, 'replay', c.pcap, '-S', c.rules, '--no-default-rules', '-l', eve, '--log-level', 'error'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        resolvePromise({ ok: false, problems: [`exit ${code}: ${stderr.trim().split('\n')[0]}`] });
        return;
      }
      const events: Record<string, unknown>[] = [];
      for (const line of (existsSync(eve) ? readFileSync(eve, 'utf8') : '').split('\n')) {
        try {
          events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // lines that do not parse are skipped, as the README says
        }
      }
      const problems: string[] = [];
      // Every line, alerts with their app-layer objects included, is valid EVE.
      for (const e of events) {
        const bad = eveProblems(e);
        if (bad.length > 0) problems.push(`invalid ${String(e.event_type)} record: ${bad[0]}`);
      }
      for (const check of c.checks) {
        const n = events.filter((e) => Object.entries(check.match).every(([k, v]) => holds(e, k, v))).length;
        if (n !== check.count) problems.push(`${JSON.stringify(check.match)}: expected ${check.count}, got ${n}`);
      }
      resolvePromise({ ok: problems.length === 0, problems });
    });
  });
}

const cases = loadCases();
const outcomes = new Map<string, Outcome>();
let outDir = '';

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'vsids-conformance-'));
  // Two replays at a time (the machine has two cores).
  const queue = [...cases];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) outcomes.set(c.name, await runCase(c, outDir));
  };
  await Promise.all([worker(), worker()]);
}, 600_000);

afterAll(() => {
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
});

describe.skipIf(cases.length === 0)('suricata-verify conformance', () => {
  for (const c of cases) {
    const known = KNOWN_FAILURES[c.name];
    it(`${c.name}${known !== undefined ? ' (known failure)' : ''}`, () => {
      const o = outcomes.get(c.name)!;
      if (known !== undefined) expect(o.ok, `${c.name} now passes: remove it from KNOWN_FAILURES`).toBe(false);
      else expect(o.problems).toEqual([]);
    });
  }

  it('passes at least 90% of the cases', () => {
    const passed = [...outcomes.values()].filter((o) => o.ok).length;
    const pct = (100 * passed) / cases.length;
    console.log(`conformance: ${passed}/${cases.length} passed (${pct.toFixed(1)}%)`);
    for (const [name, o] of outcomes) if (!o.ok) console.log(`  FAIL ${name}: ${o.problems.join('; ')}`);
    expect(pct).toBeGreaterThanOrEqual(90);
  });
});
