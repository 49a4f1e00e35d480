// DHCP: hand-built DISCOVER / OFFER / REQUEST / ACK with options, bad option lengths,
// truncation at every length, option overload, EVE against the schema, and the corpus captures.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DHCP_EVENTS, type DhcpTx, dhcpParser, parseDhcpMessage } from '../../src/app/dhcp.js';
import {
  type AppParserState,
  type AppSink,
  type AppTx,
  type Direction,
  PROBE_NO,
  PROBE_YES,
  TO_CLIENT,
  TO_SERVER,
} from '../../src/app/types.js';
import { openCaptureFile } from '../../src/capture/open.js';
import { CORPUS, SHARED } from '../helpers/cli.js';
import { decodeFrame } from '../helpers/decode.js';

const ip = (s: string) => Buffer.from(s.split('.').map(Number));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const opt = (code: number, value: Buffer | number[] | string) => {
  const v = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  return Buffer.concat([Buffer.from([code, v.length]), v]);
};

interface DhcpSpec {
  op: number;
  xid?: number;
  htype?: number;
  hlen?: number;
  ciaddr?: string;
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  mac?: string;
  flags?: number;
  sname?: Buffer;
  file?: Buffer;
  cookie?: number;
  options?: Buffer[];
  end?: boolean;
}

/** A BOOTP/DHCP message (RFC 2131 §2). */
function dhcp(s: DhcpSpec): Buffer {
  const h = Buffer.alloc(240);
  h[0] = s.op;
  h[1] = s.htype ?? 1;
  h[2] = s.hlen ?? 6;
  h.writeUInt32BE(s.xid ?? 0xdeadbeef, 4);
  h.writeUInt16BE(s.flags ?? 0, 10);
  ip(s.ciaddr ?? '0.0.0.0').copy(h, 12);
  ip(s.yiaddr ?? '0.0.0.0').copy(h, 16);
  ip(s.siaddr ?? '0.0.0.0').copy(h, 20);
  ip(s.giaddr ?? '0.0.0.0').copy(h, 24);
  Buffer.from((s.mac ?? '52:54:00:12:34:56').split(':').map((x) => Number.parseInt(x, 16))).copy(h, 28);
  s.sname?.copy(h, 44);
  s.file?.copy(h, 108);
  h.writeUInt32BE(s.cookie ?? 0x63825363, 236);
  return Buffer.concat([h, ...(s.options ?? []), Buffer.from(s.end === false ? [] : [255])]);
}

class Sink implements AppSink {
  readonly txs: { tx: DhcpTx; dir: Direction }[] = [];
  readonly anomalies: string[] = [];
  txProgress(_flow: unknown, tx: AppTx, dir: Direction): void {
    this.txs.push({ tx: tx as DhcpTx, dir });
  }
  anomaly(_flow: unknown, proto: string, event: string): void {
    expect(proto).toBe('dhcp');
    this.anomalies.push(event);
  }
}

function state(): { sink: Sink; st: AppParserState; feed: (d: Direction, b: Buffer) => void } {
  const sink = new Sink();
  const st = dhcpParser.create(sink, {});
  const feed = (d: Direction, b: Buffer) => {
    const big = Buffer.alloc(b.length + 8, 0xee);
    b.copy(big, 3);
    st.parse(d, big, 3, 3 + b.length, 0, 0);
  };
  return { sink, st, feed };
}

const schema = JSON.parse(readFileSync(join(SHARED, 'reference/eve.schema.json'), 'utf8')) as {
  properties: Record<string, object>;
  $defs: object;
};
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addKeyword('suricata');
const validateDhcp = ajv.compile({ ...schema.properties.dhcp, $defs: schema.$defs });
function expectValidEve(e: Record<string, unknown>): void {
  const ok = validateDhcp(e);
  expect(ok ? [] : validateDhcp.errors, JSON.stringify(e)).toEqual([]);
}

const MAC = '52:54:00:ab:cd:ef';
const PARAMS = [1, 3, 6, 15, 42, 119, 252];
const DISCOVER = dhcp({
  op: 1,
  xid: 0x11223344,
  mac: MAC,
  flags: 0x8000,
  options: [
    opt(53, [1]),
    opt(61, [1, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef]),
    opt(50, [10, 0, 0, 50]),
    opt(12, 'web-01'),
    opt(60, 'MSFT 5.0'),
    opt(55, PARAMS),
  ],
});
const OFFER = dhcp({
  op: 2,
  xid: 0x11223344,
  mac: MAC,
  yiaddr: '10.0.0.50',
  siaddr: '10.0.0.1',
  giaddr: '10.0.9.1',
  options: [
    opt(53, [2]),
    opt(54, [10, 0, 0, 1]),
    opt(51, u32(86400)),
    opt(58, u32(43200)),
    opt(59, u32(75600)),
    opt(1, [255, 255, 255, 0]),
    opt(3, [10, 0, 0, 1]),
    opt(6, [10, 0, 0, 2, 10, 0, 0, 3]),
    opt(15, 'lab.example'),
  ],
});
const REQUEST = dhcp({
  op: 1,
  xid: 0x11223344,
  mac: MAC,
  options: [opt(53, [3]), opt(50, [10, 0, 0, 50]), opt(54, [10, 0, 0, 1]), opt(12, 'web-01')],
});
const ACK = dhcp({
  op: 2,
  xid: 0x11223344,
  mac: MAC,
  yiaddr: '10.0.0.50',
  options: [
    opt(53, [5]),
    opt(54, [10, 0, 0, 1]),
    opt(51, u32(86400)),
    opt(1, [255, 255, 255, 0]),
    opt(3, [10, 0, 0, 1]),
  ],
});

describe('probe', () => {
  it('BOOTP op 1/2, Ethernet addresses, magic cookie', () => {
    expect(dhcpParser.probe(DISCOVER, 0, DISCOVER.length, TO_SERVER)).toBe(PROBE_YES);
    expect(dhcpParser.probe(OFFER, 0, OFFER.length, TO_CLIENT)).toBe(PROBE_YES);
    expect(dhcpParser.probe(DISCOVER, 0, 239, TO_SERVER)).toBe(PROBE_NO);
    expect(dhcpParser.probe(dhcp({ op: 3 }), 0, 241, TO_SERVER)).toBe(PROBE_NO);
    expect(dhcpParser.probe(dhcp({ op: 1, htype: 6 }), 0, 241, TO_SERVER)).toBe(PROBE_NO);
    expect(dhcpParser.probe(dhcp({ op: 1, hlen: 8 }), 0, 241, TO_SERVER)).toBe(PROBE_NO);
    expect(dhcpParser.probe(dhcp({ op: 1, cookie: 0x63825364 }), 0, 241, TO_SERVER)).toBe(PROBE_NO);
    expect([dhcpParser.name, dhcpParser.transport, dhcpParser.defaultPorts]).toEqual(['dhcp', 'udp', [67, 68]]);
  });
});

describe('messages', () => {
  it('DISCOVER, OFFER, REQUEST, ACK: one complete transaction each', () => {
    const { sink, feed } = state();
    feed(TO_SERVER, DISCOVER);
    feed(TO_CLIENT, OFFER);
    feed(TO_SERVER, REQUEST);
    feed(TO_CLIENT, ACK);
    expect(sink.anomalies).toEqual([]);
    expect(sink.txs.map(({ tx, dir }) => [tx.id, dir, tx.progress, tx.op, tx.messageType, tx.messageTypeName])).toEqual(
      [
        [0, TO_SERVER, 15, 1, 1, 'discover'],
        [1, TO_CLIENT, 15, 2, 2, 'offer'],
        [2, TO_SERVER, 15, 1, 3, 'request'],
        [3, TO_CLIENT, 15, 2, 5, 'ack'],
      ],
    );
    const [d, o, r, a] = sink.txs.map((x) => x.tx) as [DhcpTx, DhcpTx, DhcpTx, DhcpTx];
    expect(d.xid).toBe(0x11223344);
    expect(d.clientMac).toBe(MAC);
    expect(d.broadcast).toBe(true);
    expect(d.requestedIp).toBe('10.0.0.50');
    expect(d.hostname?.toString()).toBe('web-01');
    expect(d.vendorClass?.toString()).toBe('MSFT 5.0');
    expect(d.clientId?.toString('hex')).toBe('01525400abcdef');
    expect([...d.params!]).toEqual(PARAMS);
    expect(d.optionCodes).toEqual([53, 61, 50, 12, 60, 55]);
    expect(o.assignedIp).toBe('10.0.0.50');
    expect(o.nextServerIp).toBe('10.0.0.1');
    expect(o.relayIp).toBe('10.0.9.1');
    expect(o.serverId).toBe('10.0.0.1');
    expect([o.leaseTime, o.renewalTime, o.rebindingTime]).toEqual([86400, 43200, 75600]);
    expect(o.subnetMask).toBe('255.255.255.0');
    expect(o.routers).toEqual(['10.0.0.1']);
    expect(o.dnsServers).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(o.domainName?.toString()).toBe('lab.example');
    expect([r.requestedIp, r.serverId]).toEqual(['10.0.0.50', '10.0.0.1']);
    expect([a.assignedIp, a.leaseTime, a.isReply]).toEqual(['10.0.0.50', 86400, true]);
    // Views share the message's own copy.
    expect(d.hostname!.buffer).toBe(d.msg.buffer);
  });

  it('EVE: Suricata extended dhcp records, valid against the schema', () => {
    const d = parseDhcpMessage(DISCOVER, 0, DISCOVER.length)!;
    const o = parseDhcpMessage(OFFER, 0, OFFER.length)!;
    for (const b of [DISCOVER, OFFER, REQUEST, ACK]) expectValidEve(parseDhcpMessage(b, 0, b.length)!.toEve());
    expect(d.toEve()).toEqual({
      type: 'request',
      id: 0x11223344,
      client_mac: MAC,
      assigned_ip: '0.0.0.0',
      client_ip: '0.0.0.0',
      dhcp_type: 'discover',
      client_id: '01:52:54:00:ab:cd:ef',
      hostname: 'web-01',
      requested_ip: '10.0.0.50',
      vendor_class_identifier: 'MSFT 5.0',
      params: ['subnet_mask', 'router', 'dns_server', 'domain', 'ntp_server'],
    });
    expect(o.toEve()).toEqual({
      type: 'reply',
      id: 0x11223344,
      client_mac: MAC,
      assigned_ip: '10.0.0.50',
      client_ip: '0.0.0.0',
      relay_ip: '10.0.9.1',
      next_server_ip: '10.0.0.1',
      dhcp_type: 'offer',
      lease_time: 86400,
      renewal_time: 43200,
      rebinding_time: 75600,
      subnet_mask: '255.255.255.0',
      routers: ['10.0.0.1'],
      dns_servers: ['10.0.0.2', '10.0.0.3'],
    });
  });

  it('op, not the flow direction, says request or reply', () => {
    const { sink, feed } = state();
    feed(TO_CLIENT, DISCOVER);
    expect(sink.txs[0]!.dir).toBe(TO_CLIENT);
    expect(sink.txs[0]!.tx.toEve().type).toBe('request');
  });

  it('plain BOOTP (no cookie): header fields only, no anomaly', () => {
    const events: string[] = [];
    const b = dhcp({ op: 1, cookie: 0, options: [opt(53, [1])] });
    const tx = parseDhcpMessage(b, 0, b.length, events)!;
    expect(events).toEqual([]);
    expect([tx.hasCookie, tx.messageType, tx.clientMac]).toEqual([false, -1, '52:54:00:12:34:56']);
    expect(tx.toEve()).not.toHaveProperty('dhcp_type');
    expectValidEve(tx.toEve());
  });

  it('reads options from file and sname when option 52 says so', () => {
    const file = Buffer.concat([opt(12, 'in-file'), Buffer.from([255])]);
    const sname = Buffer.concat([opt(60, 'in-sname'), Buffer.from([255])]);
    const b = dhcp({ op: 1, file, sname, options: [opt(53, [1]), opt(52, [3])] });
    const events: string[] = [];
    const tx = parseDhcpMessage(b, 0, b.length, events)!;
    expect(events).toEqual([]);
    expect([tx.overload, tx.hostname?.toString(), tx.vendorClass?.toString()]).toEqual([3, 'in-file', 'in-sname']);
    // Without option 52 those fields are just names.
    const plain = parseDhcpMessage(...both(dhcp({ op: 1, file, options: [opt(53, [1])] })))!;
    expect(plain.hostname).toBeUndefined();
  });

  it('a hardware address that is not Ethernet', () => {
    const b = dhcp({ op: 1, htype: 32, hlen: 8, mac: '01:02:03:04:05:06:07:08', options: [opt(53, [8])] });
    const tx = parseDhcpMessage(b, 0, b.length)!;
    expect(tx.clientMac).toBe('01:02:03:04:05:06:07:08');
    expect(tx.messageTypeName).toBe('inform');
  });
});

function both(b: Buffer): [Buffer, number, number] {
  return [b, 0, b.length];
}

describe('malformed and truncated', () => {
  it('option lengths that do not fit their code are malformed; the rest still parses', () => {
    const b = dhcp({
      op: 1,
      options: [
        opt(53, [1, 2]),
        opt(1, [255, 255, 0]),
        opt(3, [10, 0, 0, 1, 10, 0]),
        opt(51, [0, 1]),
        opt(61, [1]),
        opt(52, [7]),
        opt(12, 'ok'),
      ],
    });
    const { sink, feed } = state();
    feed(TO_SERVER, b);
    expect(sink.anomalies).toEqual([DHCP_EVENTS.malformedOptions]);
    const tx = sink.txs[0]!.tx;
    expect([tx.messageType, tx.subnetMask, tx.routers, tx.leaseTime, tx.clientId, tx.overload]).toEqual([
      -1,
      undefined,
      [],
      -1,
      undefined,
      0,
    ]);
    expect(tx.hostname?.toString()).toBe('ok');
    expectValidEve(tx.toEve());
  });

  it('an option running past the datagram is truncated', () => {
    const b = Buffer.concat([dhcp({ op: 1, options: [opt(53, [1])], end: false }), Buffer.from([12, 40, 0x61, 0x62])]);
    const events: string[] = [];
    const tx = parseDhcpMessage(b, 0, b.length, events)!;
    expect(events).toEqual([DHCP_EVENTS.truncatedOptions]);
    expect(tx.messageType).toBe(1);
    expect(tx.hostname).toBeUndefined();
    // A code with no length byte.
    const c = Buffer.concat([dhcp({ op: 1, options: [opt(53, [1])], end: false }), Buffer.from([12])]);
    const ev2: string[] = [];
    parseDhcpMessage(c, 0, c.length, ev2);
    expect(ev2).toEqual([DHCP_EVENTS.truncatedOptions]);
    // Options that simply stop without an end option are fine.
    const d = dhcp({ op: 1, options: [opt(53, [1])], end: false });
    const ev3: string[] = [];
    parseDhcpMessage(d, 0, d.length, ev3);
    expect(ev3).toEqual([]);
  });

  it('never throws at any truncation; too short for BOOTP is an anomaly without a transaction', () => {
    const full = Buffer.concat([OFFER.subarray(0, OFFER.length - 1), opt(12, 'name'), Buffer.from([255])]);
    for (let n = 1; n <= full.length; n++) {
      const { sink, feed } = state();
      expect(() => feed(TO_CLIENT, full.subarray(0, n))).not.toThrow();
      if (n < 236) {
        expect(sink.anomalies).toEqual([DHCP_EVENTS.truncatedHeader]);
        expect(sink.txs).toEqual([]);
      } else {
        expect(sink.txs).toHaveLength(1);
        expectValidEve(sink.txs[0]!.tx.toEve());
      }
    }
    // Cut inside the cookie: a transaction with no options, and the options are called truncated.
    const events: string[] = [];
    expect(parseDhcpMessage(full, 0, 238, events)!.hasCookie).toBe(false);
    expect(events).toEqual([DHCP_EVENTS.truncatedOptions]);
  });

  it('random damage never throws', () => {
    let seed = 99;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >> 16;
    };
    const { feed } = state();
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(OFFER);
      for (let k = 0; k < 6; k++) b[240 + (rnd() % (b.length - 240))] = rnd() & 0xff;
      expect(() => feed(TO_CLIENT, b)).not.toThrow();
    }
  });
});

/** DHCP payloads (UDP 67/68) of a capture, with their frame numbers. */
function payloads(file: string): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  const r = openCaptureFile(join(CORPUS, 'pcaps', file));
  let n = 0;
  try {
    while (r.next()) {
      n++;
      const p = decodeFrame(Buffer.from(r.data.subarray(r.start, r.start + r.caplen)), r.linkType);
      if (p.ipProto !== 17 || p.payloadLen <= 0) continue;
      if (![67, 68].includes(p.srcPort) && ![67, 68].includes(p.dstPort)) continue;
      out.push([n, Buffer.from(p.data.subarray(p.payloadOff, p.payloadOff + p.payloadLen))]);
    }
  } finally {
    r.close();
  }
  return out;
}

describe('captures', () => {
  it('zeek-dhcp.pcap: a full exchange, NAK, DECLINE, RELEASE and INFORM', () => {
    const msgs = payloads('zeek-dhcp.pcap');
    expect(msgs).toHaveLength(9);
    const { sink, st } = state();
    for (const [, b] of msgs) {
      expect(dhcpParser.probe(b, 0, b.length, TO_SERVER)).toBe(PROBE_YES);
      st.parse(b[0] === 1 ? TO_SERVER : TO_CLIENT, b, 0, b.length, 0, 0);
    }
    expect(sink.anomalies).toEqual([]);
    const txs = sink.txs.map((x) => x.tx);
    expect(txs.map((t) => t.messageTypeName)).toEqual([
      'discover',
      'offer',
      'request',
      'nak',
      'request',
      'ack',
      'decline',
      'release',
      'inform',
    ]);
    expect(new Set(txs.map((t) => t.clientMac))).toEqual(new Set(['90:b1:1c:99:49:29']));
    const [discover, offer] = txs as [DhcpTx, DhcpTx];
    expect([discover.xid, discover.requestedIp, discover.hostname?.toString()]).toEqual([
      1984,
      '192.168.211.194',
      'btest.is.cool',
    ]);
    expect(offer.assignedIp).toBe('128.2.6.97');
    expect(offer.serverId).toBe('128.2.6.152');
    expect(offer.leaseTime).toBe(900);
    expect(offer.subnetMask).toBe('255.255.255.0');
    expect(offer.routers).toEqual(['128.2.6.1']);
    expect(offer.dnsServers).toEqual(['128.2.1.11', '128.2.1.10']);
    expect(offer.domainName?.toString()).toBe('cmu.edu');
    expect(txs[5]!.assignedIp).toBe('128.2.6.189');
    for (const t of txs) expectValidEve(t.toEve());
  });

  it('tcpdump-dhcp-option-108.pcapng: DISCOVER and OFFER with client id and host name', () => {
    const msgs = payloads('tcpdump-dhcp-option-108.pcapng');
    expect(msgs).toHaveLength(2);
    const [d, o] = msgs.map(([, b]) => {
      const events: string[] = [];
      const tx = parseDhcpMessage(b, 0, b.length, events)!;
      expect(events).toEqual([]);
      expectValidEve(tx.toEve());
      return tx;
    }) as [DhcpTx, DhcpTx];
    expect([d.messageTypeName, d.hostname?.toString(), d.toEve().client_id]).toEqual([
      'discover',
      'MacBookPro',
      '01:42:b4:44:b4:f0:ee',
    ]);
    expect([...d.params!]).toContain(108); // the client asks for option 108 (IPv6-only preferred)...
    expect(o.optionCodes).toContain(108); // ...and the server sends it
    expect([o.messageTypeName, o.assignedIp, o.hostname?.toString(), o.domainName?.toString(), o.leaseTime]).toEqual([
      'offer',
      '10.56.42.232',
      'macbookpro',
      'meeting.ietf.org',
      3600,
    ]);
  });
});

describe('dhcp fields read on demand', () => {
  it('formats addresses from its own copy, the first valid occurrence of each option winning', () => {
    const sink = new Sink();
    const st = dhcpParser.create(sink, {});
    const scratch = Buffer.alloc(2048);
    const b = dhcp({
      op: 2,
      ciaddr: '10.1.2.3',
      yiaddr: '10.1.2.4',
      siaddr: '10.1.2.5',
      giaddr: '10.1.2.6',
      hlen: 8,
      mac: '01:02:03:04:05:06:07:08',
      options: [
        opt(53, [5]),
        opt(1, [255, 255, 0]), // wrong length: ignored (malformed)
        opt(1, ip('255.255.255.0')),
        opt(1, ip('255.0.0.0')),
        opt(3, [1, 2, 3, 4, 5]), // not a multiple of 4: ignored
        opt(3, Buffer.concat([ip('10.0.0.1'), ip('10.0.0.254')])),
        opt(3, ip('10.9.9.9')),
        opt(6, ip('10.0.0.2')),
        opt(50, ip('10.1.2.4')),
        opt(54, ip('10.0.0.1')),
        opt(54, ip('10.0.0.99')),
      ],
    });
    b.copy(scratch, 5);
    st.parse(TO_CLIENT, scratch, 5, 5 + b.length, 0, 0);
    scratch.fill(0xff);
    expect(sink.anomalies).toEqual([DHCP_EVENTS.malformedOptions]);
    const tx = sink.txs[0]!.tx;
    expect([tx.clientIp, tx.assignedIp, tx.nextServerIp, tx.relayIp]).toEqual([
      '10.1.2.3',
      '10.1.2.4',
      '10.1.2.5',
      '10.1.2.6',
    ]);
    expect(tx.clientMac).toBe('01:02:03:04:05:06:07:08');
    expect([...tx.chaddr]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(tx.subnetMask).toBe('255.255.255.0');
    expect(tx.routers).toEqual(['10.0.0.1', '10.0.0.254']);
    expect(tx.dnsServers).toEqual(['10.0.0.2']);
    expect([tx.requestedIp, tx.serverId]).toEqual(['10.1.2.4', '10.0.0.1']);
    expect(tx.routers).toBe(tx.routers);
    expect(tx.toEve()).toMatchObject({ client_mac: '01:02:03:04:05:06:07:08', routers: ['10.0.0.1', '10.0.0.254'] });
    expectValidEve(tx.toEve());
  });
});
