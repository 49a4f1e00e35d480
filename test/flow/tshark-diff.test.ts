// Differential test against tshark (Wireshark's dissectors) on real captures: per-flow
// packet and byte counts versus `tshark -q -z conv,tcp` / `conv,udp`, and the HTTP host and
// URI, DNS query names and TLS SNI versus tshark's fields. Needs tshark (CI installs it);
// skipped with the reason otherwise.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../capture/build.js';
import { CORPUS, jsonLines, SHARED, vsids } from '../helpers/cli.js';

const hasTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasTshark) console.warn('tshark-diff: skipped: tshark is not installed (apt-get install tshark)');

const tmp = tempDir();
afterAll(() => tmp.remove());

interface Manifest {
  captures: { name: string; features: string[] }[];
}

// Encapsulations make tshark count outer and inner conversations alike; fragments and
// PPPoE are counted per frame by tshark and per datagram by vsids. Compare plain captures.
const SKIP_FEATURES = ['vxlan', 'geneve', 'gre', 'erspan', 'mpls', 'ipip', 'pppoe', 'frag', 'fuzz', 'malformed'];

function captures(): string[] {
  const man = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Manifest;
  const corpus = man.captures
    .filter(
      (c) =>
        (c.features.includes('tcp') || c.features.includes('udp')) &&
        !c.features.some((f) => SKIP_FEATURES.includes(f)),
    )
    .map((c) => join(CORPUS, 'pcaps', c.name));
  // Application-layer captures of the conformance set (HTTP, TLS, DNS), by name.
  const sv = join(SHARED, 'conformance/suricata-verify/tests');
  const more: string[] = [];
  if (existsSync(sv)) {
    for (const test of readdirSync(sv).sort()) {
      if (!/http|tls|dns|ssh/.test(test)) continue;
      for (const f of readdirSync(join(sv, test))) if (f.endsWith('.pcap')) more.push(join(sv, test, f));
    }
  }
  return [...corpus, ...more];
}

interface Conv {
  a: string;
  b: string;
  framesBA: number;
  bytesBA: number;
  framesAB: number;
  bytesAB: number;
  approx: boolean;
}

function bytesOf(n: string, unit: string): { v: number; approx: boolean } {
  const v = Number(n.replace(/,/g, ''));
  if (unit === 'bytes') return { v, approx: false };
  const mult = unit === 'kB' ? 1e3 : unit === 'MB' ? 1e6 : 1e9;
  return { v: v * mult, approx: true };
}

function tsharkConvs(pcap: string): Conv[] {
  const out = execFileSync('tshark', ['-n', '-r', pcap, '-q', '-z', 'conv,tcp', '-z', 'conv,udp'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const convs: Conv[] = [];
  const re = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+([\d,]+) (bytes|kB|MB|GB)\s+(\d+)\s+([\d,]+) (bytes|kB|MB|GB)/;
  for (const line of out.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const ba = bytesOf(m[4]!, m[5]!);
    const ab = bytesOf(m[7]!, m[8]!);
    convs.push({
      a: m[1]!,
      b: m[2]!,
      framesBA: Number(m[3]),
      bytesBA: ba.v,
      framesAB: Number(m[6]),
      bytesAB: ab.v,
      approx: ba.approx || ab.approx,
    });
  }
  return convs;
}

/** The app-layer fields of every frame in one tshark run (one run per capture keeps the test quick). */
interface TsharkApp {
  uris: string[];
  hosts: string[];
  dnsQueries: string[];
  snis: string[];
}

function tsharkApp(pcap: string): TsharkApp {
  const fields = ['http.request.uri', 'http.host', 'dns.flags.response', 'dns.qry.name', 'tls.handshake.extensions_server_name'];
  const args = ['-n', '-r', pcap, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', '-E', 'separator=\t'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const app: TsharkApp = { uris: [], hosts: [], dnsQueries: [], snis: [] };
  const split = (v: string | undefined): string[] => (v ? v.split('|').filter((x) => x !== '') : []);
  for (const line of out.split('\n')) {
    const [uri, host, dnsResponse, qname, sni] = line.split('\t');
    app.uris.push(...split(uri));
    app.hosts.push(...split(host));
    // Queries only (a frame with several DNS messages counts when its first is a query).
    if (split(dnsResponse)[0] === 'False' || split(dnsResponse)[0] === '0') app.dnsQueries.push(...split(qname));
    app.snis.push(...split(sni));
  }
  return app;
}

type Rec = Record<string, unknown> & { event_type: string };

function endpoint(ip: unknown, port: unknown): string {
  const s = String(ip);
  return s.includes(':') ? `${s}:${port}` : `${s}:${port}`;
}

const sorted = (xs: string[]): string[] => [...xs].sort();

describe.skipIf(!hasTshark)('flows and app-layer fields agree with tshark', () => {
  const files = captures();
  const tally = { flowFields: 0, flowAgree: 0, http: 0, httpAgree: 0, dns: 0, dnsAgree: 0, sni: 0, sniAgree: 0 };
  const diffs: string[] = [];
  const cfg = join(tmp.path, 'tshark.yaml');

  it('has at least five captures to compare', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    // tshark's conversations ignore VLAN ids and tunnel ids, and count mirror duplicates.
    writeFileSync(cfg, 'flow:\n  vlan-in-key: false\n  tunnel-in-key: false\n');
  });

  for (const pcap of files) {
    it(`${pcap.split('/').slice(-2).join('/')}`, () => {
      const eve = join(tmp.path, `${pcap.replace(/\W/g, '_')}.json`);
      const r = vsids([
        'replay',
        pcap,
        '-c',
        cfg,
        '--no-dedup',
        '-l',
        eve,
        '--eve-types',
        'flow,http,dns,tls',
        '--log-level',
        'warn',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const recs = jsonLines(readFileSync(eve, 'utf8')) as Rec[];

      // Flows: packets and bytes per conversation, both directions.
      const flows = new Map<string, { pkts: number; bytes: number; toServer: number; src: string }>();
      for (const f of recs.filter((x) => x.event_type === 'flow' && (x.proto === 'TCP' || x.proto === 'UDP'))) {
        const fl = f.flow as {
          pkts_toserver: number;
          pkts_toclient: number;
          bytes_toserver: number;
          bytes_toclient: number;
        };
        const src = endpoint(f.src_ip, f.src_port);
        const dst = endpoint(f.dest_ip, f.dest_port);
        const key = [src, dst].sort().join(' ');
        const prev = flows.get(key);
        const pkts = fl.pkts_toserver + fl.pkts_toclient + (prev?.pkts ?? 0);
        const bytes = fl.bytes_toserver + fl.bytes_toclient + (prev?.bytes ?? 0);
        flows.set(key, { pkts, bytes, toServer: fl.pkts_toserver + (prev?.toServer ?? 0), src });
      }
      for (const c of tsharkConvs(pcap)) {
        const key = [c.a, c.b].sort().join(' ');
        const f = flows.get(key);
        const want = c.framesAB + c.framesBA;
        const wantBytes = c.bytesAB + c.bytesBA;
        tally.flowFields += 2;
        if (f?.pkts === want) tally.flowAgree++;
        else diffs.push(`${pcap}: ${key}: packets ${f?.pkts} vs tshark ${want}`);
        const bytesOk =
          f !== undefined &&
          (c.approx ? Math.abs(f.bytes - wantBytes) <= wantBytes * 0.05 + 1000 : f.bytes === wantBytes);
        if (bytesOk) tally.flowAgree++;
        else diffs.push(`${pcap}: ${key}: bytes ${f?.bytes} vs tshark ${wantBytes}`);
      }

      const want = tsharkApp(pcap);
      // HTTP requests: host and URI.
      const wantHttp = sorted(want.uris);
      const gotHttp = sorted(
        recs.filter((x) => x.event_type === 'http').map((x) => String((x.http as { url?: string }).url ?? '')),
      );
      compareLists('http uri', wantHttp, gotHttp, pcap, 'http');
      const wantHosts = sorted(want.hosts);
      const gotHosts = sorted(
        recs
          .filter((x) => x.event_type === 'http' && (x.http as { hostname?: string }).hostname !== undefined)
          .map((x) => String((x.http as { hostname: string; http_port?: number }).hostname)),
      );
      compareLists(
        'http host',
        wantHosts.map((h) => h.replace(/:\d+$/, '').toLowerCase()),
        gotHosts,
        pcap,
        'http',
      );

      // DNS query names.
      const wantDns = sorted(want.dnsQueries);
      const gotDns = sorted(
        recs
          .filter((x) => x.event_type === 'dns' && (x.dns as { type: string }).type === 'request')
          .flatMap((x) => ((x.dns as { queries?: { rrname: string }[] }).queries ?? []).map((q) => q.rrname)),
      );
      compareLists('dns query', wantDns, gotDns, pcap, 'dns');

      // TLS SNI.
      const wantSni = sorted(want.snis);
      const gotSni = sorted(
        recs
          .filter((x) => x.event_type === 'tls' && (x.tls as { sni?: string }).sni)
          .map((x) => String((x.tls as { sni: string }).sni)),
      );
      compareLists('tls sni', wantSni, gotSni, pcap, 'sni');
    });
  }

  function compareLists(what: string, want: string[], got: string[], pcap: string, key: 'http' | 'dns' | 'sni'): void {
    const pool = [...got];
    for (const w of want) {
      tally[key]++;
      const i = pool.indexOf(w);
      if (i >= 0) {
        pool.splice(i, 1);
        tally[`${key}Agree`]++;
      } else diffs.push(`${pcap}: ${what} ${JSON.stringify(w)} missing (vsids has ${JSON.stringify(got.slice(0, 3))})`);
    }
  }

  it('agrees on at least 95% of flow counts and app-layer fields', () => {
    const pct = (a: number, n: number): string => `${a}/${n} (${n === 0 ? '-' : ((100 * a) / n).toFixed(2)}%)`;
    console.log(
      `tshark agreement: flow packets+bytes ${pct(tally.flowAgree, tally.flowFields)}, http ${pct(tally.httpAgree, tally.http)}, ` +
        `dns ${pct(tally.dnsAgree, tally.dns)}, tls sni ${pct(tally.sniAgree, tally.sni)} over ${files.length} captures`,
    );
    if (diffs.length > 0) console.log(`first differences:\n  ${diffs.slice(0, 20).join('\n  ')}`);
    expect(tally.flowFields).toBeGreaterThan(0);
    expect(tally.flowAgree / tally.flowFields).toBeGreaterThanOrEqual(0.95);
    for (const k of ['http', 'dns', 'sni'] as const) {
      if (tally[k] > 0) expect(tally[`${k}Agree`] / tally[k], k).toBeGreaterThanOrEqual(0.95);
    }
  });
});
