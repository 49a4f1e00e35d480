// Differential test: `vsids decode` on every capture of ../shared/captures-corpus against
// tshark's per-frame truth, judged as that folder's README says. Frames tshark flagged as
// malformed need a line but are not compared field by field.

import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, jsonLines, vsids } from '../helpers/cli.js';

const FIELDS = ['src_ip', 'dest_ip', 'proto', 'src_port', 'dest_port', 'vlan'] as const;
const PROTO_BY_NUMBER: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6', 132: 'sctp' };
const PROTO_ALIASES: Record<string, string> = {
  tcp: 'tcp',
  udp: 'udp',
  sctp: 'sctp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
  'ipv6-icmp': 'icmpv6',
  none: 'none',
  '': 'none',
};

interface Manifest {
  captures: { name: string; frames: number; truth: string }[];
}

function normIp(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  const s = String(v).trim().toLowerCase();
  if (isIP(s) === 6) return new URL(`http://[${s}]/`).hostname.slice(1, -1);
  return s;
}

function normProto(v: unknown, ipProto?: unknown): string {
  if (v === undefined || v === null || v === '') v = ipProto;
  if (v === undefined || v === null || v === '') return 'none';
  if (typeof v === 'number' || /^\d+$/.test(String(v))) return PROTO_BY_NUMBER[Number(v)] ?? 'other';
  return PROTO_ALIASES[String(v).toLowerCase()] ?? 'other';
}

const normPort = (v: unknown): number | null => (v === undefined || v === null || v === '' ? null : Number(v));
const normVlan = (v: unknown): number[] =>
  v === undefined || v === null || v === ''
    ? []
    : Array.isArray(v)
      ? v.map(Number)
      : String(v)
          .split(',')
          .filter((x) => x !== '')
          .map(Number);

function readTruth(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').split('\n');
  const cols = head!.split('\t');
  return rows.filter((r) => r !== '').map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
}

const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Manifest;

describe.skipIf(!existsSync(CORPUS))('vsids decode agrees with tshark on the capture corpus', () => {
  let fields = 0;
  let agree = 0;
  const crashes: string[] = [];
  const diffs: string[] = [];

  for (const cap of manifest.captures) {
    it(`${cap.name}: one line per frame, no crash`, () => {
      const r = vsids(['decode', join(CORPUS, 'pcaps', cap.name)]);
      if (r.code !== 0) crashes.push(`${cap.name}: exit ${r.code}: ${r.stderr.trim()}`);
      expect(r.code, r.stderr).toBe(0);
      const lines = jsonLines(r.stdout);
      const truth = readTruth(join(CORPUS, cap.truth));
      fields++;
      if (lines.length === truth.length) agree++;
      expect(lines.length).toBe(truth.length);
      const byFrame = new Map(lines.map((l) => [Number(l.frame), l]));
      for (const row of truth) {
        if (row.malformed === '1') continue;
        const got = byFrame.get(Number(row.frame)) ?? {};
        const want = {
          src_ip: normIp(row.src_ip),
          dest_ip: normIp(row.dst_ip),
          proto: normProto(row.proto),
          src_port: normPort(row.src_port),
          dest_port: normPort(row.dst_port),
          vlan: normVlan(row.vlan),
        };
        const have = {
          src_ip: normIp(got.src_ip),
          dest_ip: normIp(got.dest_ip),
          proto: normProto(got.proto, got.ip_proto),
          src_port: normPort(got.src_port),
          dest_port: normPort(got.dest_port),
          vlan: normVlan(got.vlan),
        };
        for (const f of FIELDS) {
          fields++;
          if (JSON.stringify(have[f]) === JSON.stringify(want[f])) agree++;
          else
            diffs.push(
              `${cap.name} frame ${row.frame} ${f}: got ${JSON.stringify(have[f])} want ${JSON.stringify(want[f])}`,
            );
        }
      }
    });
  }

  it('at least 99.5% of compared fields agree and no capture crashes', () => {
    const pct = (100 * agree) / Math.max(fields, 1);
    console.log(`decode agreement: ${agree}/${fields} fields (${pct.toFixed(2)}%), ${crashes.length} crashes`);
    if (diffs.length > 0) console.log(`first disagreements:\n  ${diffs.slice(0, 15).join('\n  ')}`);
    expect(crashes).toEqual([]);
    expect(pct).toBeGreaterThanOrEqual(99.5);
  });
});
