// The command line as a user meets it (design/CLI.md): help, decode lines, replay summary,
// and one-line errors with non-zero exits.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, REPO, vsids } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vsids-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sample = (name: string): string => join(REPO, 'captures', name);

describe('vsids --help', () => {
  for (const cmd of [[], ['decode'], ['replay'], ['run']]) {
    it(`vsids ${cmd.join(' ')} --help prints usage and exits 0`, () => {
      const r = vsids([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: vsids/);
    });
  }

  it('no arguments prints help and exits 2', () => {
    const r = vsids([]);
    expect(r.code).toBe(2);
  });
});

describe('vsids decode', () => {
  it('prints one JSON line per frame with the innermost addresses of a VXLAN mirror', () => {
    const r = vsids(['decode', sample('vxlan.pcap')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(10);
    expect(lines[0]!.frame).toBe(1);
    expect(lines.map((l) => l.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const icmp = lines.find((l) => l.proto === 'icmp')!;
    expect(icmp.layers).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv4', 'icmp']);
    expect(icmp.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(icmp.tunnels).toHaveLength(1);
    expect(typeof icmp.vni).toBe('number');
  });

  it('--limit stops after N frames', () => {
    const r = vsids(['decode', sample('inter-vm-mirror.pcap'), '--limit', '3']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.vlan).toBeDefined();
  });

  it('reads a capture from stdin with "-"', () => {
    const r = vsids(['decode', '-'], { input: readFileSync(sample('erspan-iii.pcap')) });
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(9);
    expect(lines[0]!.layers).toContain('erspan');
  });

  it('reads pcapng with several interfaces', () => {
    const r = vsids(['decode', sample('multi-interface.pcapng')]);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout)).toHaveLength(6);
  });

  it('a missing file is one clear line and exit 1', () => {
    const r = vsids(['decode', join(dir, 'nope.pcap')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('nope.pcap');
  });

  it('a file that is not a capture names the file', () => {
    const f = join(dir, 'notes.txt');
    writeFileSync(f, 'hello, this is not a pcap\n');
    const r = vsids(['decode', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/notes\.txt: not a pcap or pcapng file/);
  });

  it('an unsupported link type names the file and the link type', () => {
    const f = join(dir, 'wifi.pcap');
    const hdr = Buffer.alloc(24);
    hdr.writeUInt32LE(0xa1b2c3d4, 0);
    hdr.writeUInt16LE(2, 4);
    hdr.writeUInt16LE(4, 6);
    hdr.writeUInt32LE(65535, 16);
    hdr.writeUInt32LE(127, 20); // IEEE802_11_RADIOTAP
    writeFileSync(f, hdr);
    const r = vsids(['decode', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/wifi\.pcap/);
    expect(r.stderr).toMatch(/127/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad --limit is a usage error (exit 2)', () => {
    const r = vsids(['decode', sample('vxlan.pcap'), '--limit', 'ten']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--limit/);
  });

  it('an unknown option is a usage error (exit 2)', () => {
    const r = vsids(['decode', sample('vxlan.pcap'), '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vsids: unknown option '--frobnicate'/);
  });
});

describe('vsids replay', () => {
  it('replays a capture, writes EVE stats and prints a summary', () => {
    const eve = join(dir, 'replay.json');
    const r = vsids(['replay', sample('inter-vm-mirror.pcap'), '-l', eve, '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/packets\s+400/);
    expect(r.stderr).toMatch(/packets\/s/);
    const recs = jsonLines(readFileSync(eve, 'utf8'));
    const stats = recs.filter((x) => x.event_type === 'stats');
    expect(stats).toHaveLength(1);
    expect((stats[0]!.stats as { decoder: { pkts: number } }).decoder.pkts).toBe(400);
  });

  it('merges several files in timestamp order', () => {
    const eve = join(dir, 'merged.json');
    const r = vsids(['replay', sample('vxlan.pcap'), sample('erspan-iii.pcap'), '-l', eve]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/packets\s+19/);
  });

  it('writes anomaly events for malformed packets, with Suricata event names', () => {
    const eve = join(dir, 'anom.json');
    const pcap = join(REPO, '../shared/captures-corpus/pcaps/suricata-decode-too-small.pcap');
    const r = vsids(['replay', pcap, '-l', eve, '--eve-types', 'anomaly']);
    expect(r.code, r.stderr).toBe(0);
    const recs = jsonLines(readFileSync(eve, 'utf8'));
    expect(recs.length).toBeGreaterThan(0);
    for (const rec of recs) {
      expect(rec.event_type).toBe('anomaly');
      expect((rec.anomaly as { type: string }).type).toBe('decode');
      expect((rec.anomaly as { event: string }).event).toMatch(/^decoder\.[a-z0-9]+\.[a-z0-9_]+$/);
      expect(typeof rec.pcap_cnt).toBe('number');
    }
  });

  it('a config file with a bad setting is rejected with its path', () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'decoder:\n  vxlan:\n    ports: [4789, 70000]\nstats:\n  intervall: 3\n');
    const r = vsids(['replay', sample('vxlan.pcap'), '-c', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('decoder.vxlan.ports[1]');
    expect(r.stderr).toContain('stats.intervall: unknown setting');
  });

  it('the config can move VXLAN to another port', () => {
    const cfg = join(dir, 'vxlan8472.yaml');
    writeFileSync(cfg, 'decoder:\n  vxlan:\n    ports: [8472]\n');
    const pcap = join(REPO, '../shared/captures-corpus/pcaps/tcpdump-vxlan_port_8472.pcap');
    const plain = jsonLines(vsids(['decode', pcap]).stdout);
    expect(plain[0]!.layers).not.toContain('vxlan');
    const eve = join(dir, '8472.json');
    const r = vsids(['replay', pcap, '-c', cfg, '-l', eve, '--eve-types', 'stats']);
    expect(r.code, r.stderr).toBe(0);
    const stats = jsonLines(readFileSync(eve, 'utf8'))[0]!.stats as { decoder: { vxlan: number } };
    expect(stats.decoder.vxlan).toBeGreaterThan(0);
  });

  it('an unknown --eve-types entry is a usage error', () => {
    const r = vsids(['replay', sample('vxlan.pcap'), '--eve-types', 'alert,bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bogus/);
  });
});

describe('vsids run', () => {
  it('without an interface says how to give one (exit 2)', () => {
    const r = vsids(['run', '--log-level', 'silent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no capture interface/);
  });

  it('a missing interface is one clear line and exit 1', () => {
    const r = vsids(['run', '-i', 'nosuchif0', '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nosuchif0/);
  });
});
