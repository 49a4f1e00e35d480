// Flows as a user of `vsids replay` sees them: EVE flow records for handshakes,
// teardowns, mid-stream pick-up, timeouts in packet time, memcap eviction, mirror
// duplicates and VLAN-split directions.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type PcapRecord, tempDir } from '../capture/build.js';
import { jsonLines, REPO, vsids } from '../helpers/cli.js';
import { TCP, TcpConversation, udpFrame, writePcap } from '../helpers/conversation.js';
import { eveProblems } from '../helpers/eve-schema.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const client = { ip: '10.66.1.11', port: 40000 };
const server = { ip: '10.66.2.21', port: 8080 };

interface FlowRec {
  event_type: string;
  src_ip: string;
  dest_ip: string;
  src_port?: number;
  dest_port?: number;
  proto: string;
  app_proto?: string;
  flow_id: number;
  community_id: string;
  vlan?: number[];
  flow: {
    pkts_toserver: number;
    pkts_toclient: number;
    bytes_toserver: number;
    bytes_toclient: number;
    state: string;
    reason: string;
    age: number;
  };
  tcp?: { state: string; syn?: boolean; fin?: boolean; rst?: boolean; tcp_flags: string };
  anomaly?: { type: string; event: string };
}

let n = 0;
function replay(
  records: PcapRecord[],
  extra: string[] = [],
  types = 'flow,anomaly',
): { recs: FlowRec[]; stderr: string } {
  const pcap = writePcap(tmp.path, `c${++n}.pcap`, records);
  const eve = join(tmp.path, `c${n}.json`);
  const r = vsids(['replay', pcap, '-l', eve, '--eve-types', types, '--log-level', 'warn', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const recs = jsonLines(readFileSync(eve, 'utf8')) as unknown as FlowRec[];
  for (const rec of recs) expect(eveProblems(rec)).toEqual([]);
  return { recs, stderr: r.stderr };
}

const flowsOf = (recs: FlowRec[]): FlowRec[] => recs.filter((r) => r.event_type === 'flow');

describe('TCP flows', () => {
  it('a full connection is one flow, initiator first, counted per direction, closed by FIN', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'hello').send(false, 'world!').close();
    const [f, ...rest] = flowsOf(replay(c.records).recs);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ src_ip: client.ip, src_port: 40000, dest_ip: server.ip, dest_port: 8080, proto: 'TCP' });
    expect(f!.flow.pkts_toserver).toBe(6);
    expect(f!.flow.pkts_toclient).toBe(4);
    expect(f!.flow.state).toBe('closed');
    expect(f!.flow.reason).toBe('shutdown');
    expect(f!.tcp).toMatchObject({ syn: true, fin: true, state: 'closed' });
    expect(f!.community_id).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
  });

  it('the SYN sender is the initiator even when the SYN/ACK is captured first', () => {
    const c = new TcpConversation(client, server);
    const syn = c.segment(true, TCP.SYN, undefined, undefined, false);
    c.segment(false, TCP.SYN | TCP.ACK);
    c.push(syn);
    c.segment(true, TCP.ACK);
    const [f] = flowsOf(replay(c.records).recs);
    expect(f).toMatchObject({ src_ip: client.ip, dest_ip: server.ip });
  });

  it('picks up a session mid-stream as established', () => {
    const c = new TcpConversation(client, server).send(true, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const [f] = flowsOf(replay(c.records).recs);
    expect(f!.flow.state).toBe('established');
    expect(f!.tcp!.state).toBe('established');
    expect(f).toMatchObject({ src_ip: client.ip, dest_port: 8080 });
  });

  it('turns a mid-stream session around when its first bytes are the server response', () => {
    const c = new TcpConversation(client, server)
      .send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
      .send(true, 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n');
    const { recs } = replay(c.records, [], 'flow,http');
    const [f] = flowsOf(recs);
    expect(f).toMatchObject({ src_ip: client.ip, dest_ip: server.ip, dest_port: 8080, app_proto: 'http' });
    // The transaction pairs the later request; the response came first, so it has no request.
    expect(recs.some((r) => r.event_type === 'http')).toBe(true);
  });

  it('a reset closes the connection', () => {
    const c = new TcpConversation(client, server).handshake().reset(false);
    const [f] = flowsOf(replay(c.records).recs);
    expect(f!.flow.state).toBe('closed');
    expect(f!.tcp!.rst).toBe(true);
  });

  it('a closed connection times out after the closed timeout, in packet time', () => {
    const c = new TcpConversation(client, server).handshake().close();
    const later = new TcpConversation({ ip: '10.66.9.9', port: 1 }, { ip: '10.66.9.8', port: 2 });
    later.t = c.t + 61_000_000;
    later.segment(true, TCP.SYN);
    const flows = flowsOf(replay([...c.records, ...later.records]).recs);
    const f = flows.find((x) => x.src_ip === client.ip)!;
    expect(f.flow.reason).toBe('timeout');
    expect(f.flow.state).toBe('closed');
  });

  it('a retransmission counts as a packet and raises no anomaly; different data in an overlap does', () => {
    const c = new TcpConversation(client, server).handshake();
    const seq = c.cseq;
    c.segment(true, TCP.PSH | TCP.ACK, Buffer.from('GET /a HTTP/1.1\r\n'));
    c.segment(true, TCP.PSH | TCP.ACK, Buffer.from('GET /a HTTP/1.1\r\n'), seq);
    c.segment(true, TCP.PSH | TCP.ACK, Buffer.from('GET /b HTTP/1.1\r\n'), seq);
    // Compare every retransmission from the first one on (by default history starts at the first).
    const cfg = join(tmp.path, 'history.yaml');
    writeFileSync(cfg, 'stream:\n  retransmission-history: 4096\n');
    const { recs } = replay(c.records, ['-c', cfg]);
    const f = flowsOf(recs)[0]!;
    expect(f.flow.pkts_toserver).toBe(5);
    // Stream events only: the request head cut by the end of the flow has its own HTTP event.
    const events = recs
      .filter((r) => r.event_type === 'anomaly' && r.anomaly!.type === 'stream')
      .map((r) => r.anomaly!.event);
    expect(events).toEqual(['stream.reassembly_overlap_different_data']);
  });

  it('a lost segment is reported as a stream gap at teardown', () => {
    const c = new TcpConversation(client, server).handshake();
    c.segment(true, TCP.PSH | TCP.ACK, Buffer.from('GET /one HTTP/1.1\r\n'), undefined, false); // lost on the mirror
    c.send(true, 'Host: x\r\n\r\n').close();
    const { recs } = replay(c.records);
    expect(recs.filter((r) => r.event_type === 'anomaly').map((r) => r.anomaly!.event)).toContain(
      'stream.reassembly_seq_gap',
    );
  });

  it('a new SYN on a closed tuple starts a new flow (tcp_reuse)', () => {
    const c = new TcpConversation(client, server).handshake().close();
    c.cseq += 100000;
    c.handshake();
    const flows = flowsOf(replay(c.records).recs);
    expect(flows).toHaveLength(2);
    expect(flows[0]!.flow.reason).toBe('tcp_reuse');
    expect(flows[0]!.flow_id).not.toBe(flows[1]!.flow_id);
  });
});

describe('UDP flows and limits', () => {
  it('a request/response becomes established; the new-state timeout applies in packet time', () => {
    const t0 = 1_700_000_000;
    const a = { ip: '10.66.1.11', port: 5000 };
    const b = { ip: '10.66.3.31', port: 6000 };
    const recs: PcapRecord[] = [
      { data: udpFrame(a, b, Buffer.from('ping')), sec: t0, frac: 0 },
      { data: udpFrame(b, a, Buffer.from('pong')), sec: t0, frac: 10 },
      { data: udpFrame({ ip: '10.66.1.12', port: 7 }, b, Buffer.from('x')), sec: t0 + 1, frac: 0 },
      { data: udpFrame({ ip: '10.66.9.9', port: 7 }, b, Buffer.from('y')), sec: t0 + 40, frac: 0 },
    ];
    const flows = flowsOf(replay(recs).recs);
    const est = flows.find((f) => f.src_ip === a.ip)!;
    expect(est.flow.state).toBe('established');
    expect(est.flow.reason).toBe('shutdown'); // established UDP lives 300 s
    const lonely = flows.find((f) => f.src_ip === '10.66.1.12')!;
    expect(lonely.flow.state).toBe('new');
    expect(lonely.flow.reason).toBe('timeout'); // new UDP lives 30 s
  });

  it('keeps thousands of concurrent flows apart (the table grows its hash buckets as flows come)', () => {
    const t0 = 1_700_000_000;
    const recs: PcapRecord[] = [];
    const flowCount = 12_000;
    // Every request first, then every reply: all flows are open at once.
    const peer = (i: number) => ({ ip: `10.67.${(i >> 8) & 255}.${i & 255}`, port: 20000 + (i % 1000) });
    for (let i = 0; i < flowCount; i++) {
      recs.push({ data: udpFrame(peer(i), server, Buffer.from(`q${i}`)), sec: t0, frac: i });
    }
    for (let i = 0; i < flowCount; i++) {
      recs.push({ data: udpFrame(server, peer(i), Buffer.from(`reply ${i}`)), sec: t0 + 1, frac: i });
    }
    const flows = flowsOf(replay(recs).recs);
    expect(flows).toHaveLength(flowCount);
    for (const f of flows) {
      expect(f.dest_ip).toBe(server.ip);
      expect(f.flow.pkts_toserver).toBe(1);
      expect(f.flow.pkts_toclient).toBe(1);
      expect(f.flow.state).toBe('established');
    }
    expect(new Set(flows.map((f) => `${f.src_ip}:${f.src_port}`)).size).toBe(flowCount);
  });

  it('evicts the oldest flows with reason forced when the table is full', () => {
    const cfg = join(tmp.path, 'small.yaml');
    writeFileSync(cfg, 'flow:\n  max-flows: 16\n');
    const recs: PcapRecord[] = [];
    for (let i = 0; i < 20; i++) {
      recs.push({
        data: udpFrame({ ip: `10.66.1.${i + 1}`, port: 1000 }, server, Buffer.from('x')),
        sec: 1_700_000_000 + i,
        frac: 0,
      });
    }
    const flows = flowsOf(replay(recs, ['-c', cfg]).recs);
    expect(flows).toHaveLength(20);
    const forced = flows.filter((f) => f.flow.reason === 'forced').map((f) => f.src_ip);
    expect(forced).toEqual(['10.66.1.1', '10.66.1.2', '10.66.1.3', '10.66.1.4']);
  });
});

describe('ICMP flows', () => {
  it('an echo request and its reply are one flow carrying the ICMP type and code', () => {
    const eve = join(tmp.path, 'icmp.json');
    const r = vsids(['replay', join(REPO, 'captures/inter-vm-mirror.pcap'), '-l', eve, '--eve-types', 'flow']);
    expect(r.code, r.stderr).toBe(0);
    const icmp = (jsonLines(readFileSync(eve, 'utf8')) as unknown as (FlowRec & { icmp_type?: number })[]).filter(
      (f) => f.proto === 'ICMP',
    );
    expect(icmp.length).toBeGreaterThan(0);
    for (const f of icmp) {
      expect(f.icmp_type).toBe(8);
      expect(f.flow.pkts_toserver).toBeGreaterThan(0);
      expect(f.flow.pkts_toclient).toBeGreaterThan(0);
      expect(eveProblems(f)).toEqual([]);
    }
  });
});

describe('mirror effects', () => {
  it('drops the second copy of each packet a mirror delivers twice with --dedup, keeps both by default', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'abc').close();
    const doubled: PcapRecord[] = [];
    for (const r of c.records) {
      doubled.push(r);
      // The egress copy: other MACs, a decremented TTL, same IP packet otherwise.
      const copy = Buffer.from(r.data);
      copy[0] = 0x02;
      copy[14 + 8] = copy[14 + 8]! - 1;
      doubled.push({ ...r, data: copy, frac: r.frac + 5 });
    }
    const deduped = replay(doubled, ['--dedup']);
    expect(flowsOf(deduped.recs)[0]!.flow.pkts_toserver).toBe(5);
    expect(deduped.stderr).toMatch(/8 mirror duplicates dropped/);
    const kept = replay(doubled);
    expect(flowsOf(kept.recs)[0]!.flow.pkts_toserver).toBe(10);
    expect(flowsOf(replay(doubled, ['--no-dedup']).recs)[0]!.flow.pkts_toserver).toBe(10);
  });

  it('directions with different VLAN tags are two flows, or one with flow.vlan-in-key false', () => {
    const c = new TcpConversation(client, server);
    c.vlan = 101;
    c.segment(true, TCP.SYN);
    c.vlan = 201;
    c.segment(false, TCP.SYN | TCP.ACK);
    c.vlan = 101;
    c.segment(true, TCP.ACK);
    const split = replay(c.records);
    expect(flowsOf(split.recs)).toHaveLength(2);
    expect(split.stderr).toMatch(/1 flows look split: their directions carry different VLAN tags/);
    const cfg = join(tmp.path, 'novlan.yaml');
    writeFileSync(cfg, 'flow:\n  vlan-in-key: false\n');
    const one = flowsOf(replay(c.records, ['-c', cfg]).recs);
    expect(one).toHaveLength(1);
    expect(one[0]!.vlan).toEqual([101]);
  });
});
