// Every EVE line `vsids replay` writes on the capture corpus validates against Suricata's
// schema (plus vsids's vm/policy objects).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, jsonLines, vsids } from '../helpers/cli.js';
import { eveProblems } from '../helpers/eve-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'vsids-eve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EVE output validates against ../shared/reference/eve.schema.json', () => {
  it('every line written while replaying each corpus capture is valid', () => {
    const pcaps = readdirSync(join(CORPUS, 'pcaps')).sort();
    let lines = 0;
    const types = new Map<string, number>();
    const bad: string[] = [];
    for (const name of pcaps) {
      const eve = join(dir, `${name}.json`);
      const r = vsids([
        'replay',
        join(CORPUS, 'pcaps', name),
        '-l',
        eve,
        '--eve-types',
        'alert,anomaly,flow,stats,http,dns,tls,ssh,dhcp',
        '--log-level',
        'warn',
      ]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      for (const rec of jsonLines(readFileSync(eve, 'utf8'))) {
        lines++;
        types.set(String(rec.event_type), (types.get(String(rec.event_type)) ?? 0) + 1);
        const problems = eveProblems(rec);
        if (problems.length > 0) bad.push(`${name}: ${problems.join('; ')}: ${JSON.stringify(rec).slice(0, 300)}`);
      }
    }
    console.log(`EVE lines validated: ${lines} (${[...types].map(([t, n]) => `${t} ${n}`).join(', ')})`);
    expect(bad.slice(0, 10)).toEqual([]);
    // The corpus has malformed frames, so anomaly records must be among them, plus one stats
    // record per replay, flows, and every application protocol the corpus carries.
    expect(types.get('anomaly') ?? 0).toBeGreaterThan(0);
    expect(types.get('stats')).toBe(pcaps.length);
    for (const t of ['flow', 'http', 'dns', 'tls', 'ssh', 'dhcp']) expect(types.get(t) ?? 0, t).toBeGreaterThan(0);
  });

  it('the stats record counts what was decoded', () => {
    const eve = join(dir, 'vxlan.json');
    const r = vsids(['replay', join(CORPUS, 'pcaps', 'tcpdump-vxlan.pcap'), '-l', eve, '--eve-types', 'stats']);
    expect(r.code, r.stderr).toBe(0);
    const recs = jsonLines(readFileSync(eve, 'utf8'));
    expect(recs).toHaveLength(1);
    const stats = recs[0]!.stats as { decoder: Record<string, number> };
    expect(stats.decoder.pkts).toBeGreaterThan(0);
    expect(stats.decoder.vxlan).toBeGreaterThan(0);
    expect(stats.decoder.ethernet).toBeGreaterThanOrEqual(stats.decoder.pkts);
  });
});
