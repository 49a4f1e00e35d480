// DNS over UDP and TCP: hand-built messages (header, names, every decoded record type,
// compression pointers good and bad), transactions, TCP framing, EVE v3 against the schema,
// and the DNS captures of the corpus.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  DNS_EVENTS,
  DnsTx,
  dnsTcpParser,
  dnsText,
  dnsUdpParser,
  makeDnsParser,
  parseDnsMessage,
} from '../../src/app/dns.js';
import {
  type AppParser,
  type AppParserState,
  type AppSink,
  type AppTx,
  DEFAULT_APP_LIMITS,
  type Direction,
  PROBE_NEED_MORE,
  PROBE_NO,
  PROBE_YES,
  TO_CLIENT,
  TO_SERVER,
  TX_REQUEST_DONE,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from '../../src/app/types.js';
import { openCaptureFile } from '../../src/capture/open.js';
import { CORPUS, SHARED } from '../helpers/cli.js';
import { decodeFrame } from '../helpers/decode.js';

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

/** Wire form of a dotted name (no compression). */
function name(n: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of n === '' ? [] : n.split('.')) {
    const b = Buffer.from(label, 'latin1');
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}
const ptr = (off: number) => Buffer.from([0xc0 | (off >> 8), off & 0xff]);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const ipv4 = (s: string) => Buffer.from(s.split('.').map(Number));

type RR = [owner: Buffer, type: number, ttl: number, rdata: Buffer];

interface MsgSpec {
  id?: number;
  flags?: number;
  questions?: [Buffer, number][];
  answers?: RR[];
  authorities?: RR[];
  additionals?: RR[];
  /** Counts to write instead of the real ones. */
  counts?: [number, number, number, number];
}

function rr([owner, type, ttl, rdata]: RR, cls = 1): Buffer {
  return Buffer.concat([owner, u16(type), u16(cls), u32(ttl), u16(rdata.length), rdata]);
}

function msg(s: MsgSpec): Buffer {
  const q = s.questions ?? [];
  const an = s.answers ?? [];
  const ns = s.authorities ?? [];
  const ar = s.additionals ?? [];
  const counts = s.counts ?? [q.length, an.length, ns.length, ar.length];
  return Buffer.concat([
    u16(s.id ?? 0x1234),
    u16(s.flags ?? 0x0100),
    ...counts.map(u16),
    ...q.map(([n, t]) => Buffer.concat([n, u16(t), u16(1)])),
    ...an.map((r) => rr(r)),
    ...ns.map((r) => rr(r)),
    ...ar.map((r) => rr(r)),
  ]);
}

const QUERY = 0x0100; // RD
const RESPONSE = 0x8180; // QR RD RA
const tcpFrame = (m: Buffer) => Buffer.concat([u16(m.length), m]);

class Sink implements AppSink {
  readonly progress: { tx: AppTx; dir: Direction; progress: number }[] = [];
  readonly anomalies: string[] = [];
  txProgress(_flow: unknown, tx: AppTx, dir: Direction): void {
    this.progress.push({ tx, dir, progress: tx.progress });
  }
  anomaly(_flow: unknown, proto: string, event: string): void {
    expect(proto).toBe('dns');
    this.anomalies.push(event);
  }
  get txs(): DnsTx[] {
    return [...new Set(this.progress.map((p) => p.tx as DnsTx))];
  }
}

function udp(parser: AppParser = dnsUdpParser): {
  sink: Sink;
  st: AppParserState;
  feed: (d: Direction, b: Buffer) => void;
} {
  const sink = new Sink();
  const st = parser.create(sink, {});
  // Each payload at a non-zero offset of a larger buffer, as the flow engine passes it.
  const feed = (d: Direction, b: Buffer) => {
    const big = Buffer.alloc(b.length + 10, 0xee);
    b.copy(big, 5);
    st.parse(d, big, 5, 5 + b.length, 0, 0);
  };
  return { sink, st, feed };
}

// EVE `dns` object validator: Suricata's schema rejects unknown fields.
const schema = JSON.parse(readFileSync(join(SHARED, 'reference/eve.schema.json'), 'utf8')) as {
  properties: Record<string, object>;
  $defs: object;
};
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addKeyword('suricata');
const validateDns = ajv.compile({ ...schema.properties.dns, $defs: schema.$defs });
function expectValidEve(e: Record<string, unknown>): void {
  const ok = validateDns(e);
  expect(ok ? [] : validateDns.errors, JSON.stringify(e)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------

const Q_WWW = msg({ id: 0x1234, flags: QUERY, questions: [[name('www.example.com'), 1]] });
const R_WWW = msg({
  id: 0x1234,
  flags: RESPONSE,
  questions: [[name('www.example.com'), 1]],
  answers: [
    [ptr(12), 5, 300, name('edge.example.net')],
    [name('edge.example.net'), 1, 60, ipv4('93.184.216.34')],
  ],
});

describe('probe', () => {
  it('says yes to a query and a response, no to what is not DNS', () => {
    expect(dnsUdpParser.probe(Q_WWW, 0, Q_WWW.length, TO_SERVER)).toBe(PROBE_YES);
    expect(dnsUdpParser.probe(R_WWW, 0, R_WWW.length, TO_CLIENT)).toBe(PROBE_YES);
    expect(dnsUdpParser.probe(Q_WWW, 0, 11, TO_SERVER)).toBe(PROBE_NO);
    expect(dnsUdpParser.probe(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 0, 27, TO_SERVER)).toBe(PROBE_NO);
    // No question, too many questions, unassigned opcode 3, counts that cannot fit the length.
    expect(dnsUdpParser.probe(msg({ questions: [] }), 0, 12, TO_SERVER)).toBe(PROBE_NO);
    const many = msg({ questions: Array.from({ length: 9 }, () => [name('a'), 1] as [Buffer, number]) });
    expect(dnsUdpParser.probe(many, 0, many.length, TO_SERVER)).toBe(PROBE_NO);
    const op3 = msg({ flags: 3 << 11, questions: [[name('a'), 1]] });
    expect(dnsUdpParser.probe(op3, 0, op3.length, TO_SERVER)).toBe(PROBE_NO);
    const lying = msg({ questions: [[name('a'), 1]], counts: [1, 5, 0, 0] });
    expect(dnsUdpParser.probe(lying, 0, lying.length, TO_SERVER)).toBe(PROBE_NO);
    // A first name with a pointer (nothing before it to point to) or a label past the end.
    const p0 = msg({ questions: [[ptr(12), 1]] });
    expect(dnsUdpParser.probe(p0, 0, p0.length, TO_SERVER)).toBe(PROBE_NO);
    expect(dnsUdpParser.probe(Q_WWW, 0, Q_WWW.length - 6, TO_SERVER)).toBe(PROBE_NO);
  });

  it('over TCP reads the length prefix first', () => {
    const f = tcpFrame(Q_WWW);
    expect(dnsTcpParser.probe(f, 0, 1, TO_SERVER)).toBe(PROBE_NEED_MORE);
    expect(dnsTcpParser.probe(f, 0, 10, TO_SERVER)).toBe(PROBE_NEED_MORE);
    expect(dnsTcpParser.probe(f, 0, 14, TO_SERVER)).toBe(PROBE_YES); // header plausible, rest to come
    expect(dnsTcpParser.probe(f, 0, f.length, TO_SERVER)).toBe(PROBE_YES);
    expect(dnsTcpParser.probe(Buffer.from([0, 5, 1, 2, 3, 4, 5]), 0, 7, TO_SERVER)).toBe(PROBE_NO);
    // The length prefix must be consistent with the message: 13 bytes cannot hold this query.
    const short = Buffer.concat([u16(13), Q_WWW]);
    expect(dnsTcpParser.probe(short, 0, short.length, TO_SERVER)).toBe(PROBE_NO);
    expect(dnsTcpParser.probe(Q_WWW, 0, Q_WWW.length, TO_SERVER)).toBe(PROBE_NO); // no prefix
  });

  it('the parsers describe themselves', () => {
    expect([dnsUdpParser.name, dnsUdpParser.transport, dnsUdpParser.defaultPorts]).toEqual(['dns', 'udp', [53]]);
    expect([dnsTcpParser.name, dnsTcpParser.transport, dnsTcpParser.defaultPorts]).toEqual(['dns', 'tcp', [53]]);
  });
});

describe('transactions', () => {
  it('pairs a response with its query by ID', () => {
    const { sink, feed } = udp();
    feed(TO_SERVER, Q_WWW);
    expect(sink.progress).toHaveLength(1);
    const tx = sink.progress[0]!.tx as DnsTx;
    expect(tx).toBeInstanceOf(DnsTx);
    expect(tx.id).toBe(0);
    expect(sink.progress[0]!.progress).toBe(TX_REQUEST_HEADERS | TX_REQUEST_DONE);
    expect(tx.queryName.toString()).toBe('www.example.com');
    expect(tx.rcode).toBe(-1);
    feed(TO_CLIENT, R_WWW);
    expect(sink.progress).toHaveLength(2);
    expect(sink.progress[1]!.tx).toBe(tx);
    expect(sink.progress[1]!.dir).toBe(TO_CLIENT);
    expect(tx.progress).toBe(TX_REQUEST_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_HEADERS | TX_RESPONSE_DONE);
    expect(tx.dnsId).toBe(0x1234);
    expect(tx.rcode).toBe(0);
    expect(tx.rcodeName).toBe('NOERROR');
    expect(tx.queries.map((q) => [q.name.toString(), q.type, q.class])).toEqual([['www.example.com', 1, 1]]);
    expect(tx.answers.map((a) => [a.name.toString(), a.type, a.ttl, a.data])).toEqual([
      ['www.example.com', 5, 300, 'edge.example.net'],
      ['edge.example.net', 1, 60, '93.184.216.34'],
    ]);
    expect(sink.anomalies).toEqual([]);
    // Views share the buffer the message owns, not the packet.
    const r = tx.response!;
    expect(tx.answers[0]!.name.buffer).toBe(r.buf.buffer);
    expect(tx.answers[1]!.rdata).toEqual(ipv4('93.184.216.34'));
  });

  it('pairs out-of-order responses to concurrent queries (A and AAAA on one socket)', () => {
    const { sink, feed } = udp();
    feed(TO_SERVER, msg({ id: 1, flags: QUERY, questions: [[name('host.lan'), 1]] }));
    feed(TO_SERVER, msg({ id: 2, flags: QUERY, questions: [[name('host.lan'), 28]] }));
    feed(TO_CLIENT, msg({ id: 2, flags: RESPONSE, questions: [[name('host.lan'), 28]] }));
    feed(TO_CLIENT, msg({ id: 1, flags: RESPONSE, questions: [[name('host.lan'), 1]] }));
    const txs = sink.txs;
    expect(txs.map((t) => [t.id, t.dnsId, t.request!.queries[0]!.type, t.response!.queries[0]!.type])).toEqual([
      [0, 1, 1, 1],
      [1, 2, 28, 28],
    ]);
  });

  it('gives a response without a query a transaction of its own', () => {
    const { sink, feed } = udp();
    feed(TO_CLIENT, R_WWW);
    expect(sink.progress).toHaveLength(1);
    const tx = sink.progress[0]!.tx as DnsTx;
    expect(tx.request).toBeUndefined();
    expect(tx.progress).toBe(TX_RESPONSE_HEADERS | TX_RESPONSE_DONE);
    expect(tx.queryName.toString()).toBe('www.example.com');
    expect(tx.toEve()).toMatchObject({ type: 'response', id: 0x1234, qr: true });
    expect(tx.toEve(TO_SERVER)).toEqual({});
    expect(sink.anomalies).toEqual([]);
  });

  it('bounds the queries waiting for a response (maxOpenTxs)', () => {
    const p = makeDnsParser('udp', { ...DEFAULT_APP_LIMITS, maxOpenTxs: 2 });
    const { sink, feed } = udp(p);
    for (const id of [1, 2, 3]) feed(TO_SERVER, msg({ id, flags: QUERY, questions: [[name('x.y'), 1]] }));
    feed(TO_CLIENT, msg({ id: 1, flags: RESPONSE, questions: [[name('x.y'), 1]] })); // query 1 was given up on
    feed(TO_CLIENT, msg({ id: 3, flags: RESPONSE, questions: [[name('x.y'), 1]] }));
    const txs = sink.txs;
    expect(txs.map((t) => [t.id, t.request?.id, t.response?.id])).toEqual([
      [0, 1, undefined],
      [1, 2, undefined],
      [2, 3, 3],
      [3, undefined, 1],
    ]);
  });

  it('a retransmitted query: the first open one gets the response', () => {
    const { sink, feed } = udp();
    feed(TO_SERVER, Q_WWW);
    feed(TO_SERVER, Q_WWW);
    feed(TO_CLIENT, R_WWW);
    expect(sink.txs.map((t) => [t.id, t.response !== undefined])).toEqual([
      [0, true],
      [1, false],
    ]);
  });

  it('flags direction and header anomalies with Suricata names', () => {
    const { sink, feed } = udp();
    feed(TO_CLIENT, Q_WWW); // a query towards the client
    feed(TO_SERVER, msg({ id: 9, flags: RESPONSE, questions: [[name('a.b'), 1]] })); // a response towards the server
    feed(TO_SERVER, msg({ id: 10, flags: QUERY | 0x0040, questions: [[name('a.b'), 1]] })); // Z
    feed(TO_SERVER, msg({ id: 11, flags: 9 << 11, questions: [[name('a.b'), 1]] })); // opcode 9
    expect(sink.anomalies).toEqual([
      DNS_EVENTS.notResponse,
      DNS_EVENTS.notRequest,
      DNS_EVENTS.zFlagSet,
      DNS_EVENTS.invalidOpcode,
    ]);
    // Still parsed, by the QR bit.
    expect(sink.txs.map((t) => [t.request?.id, t.response?.id])).toEqual([
      [0x1234, undefined],
      [undefined, 9],
      [10, undefined],
      [11, undefined],
    ]);
    expect(sink.txs[2]!.toEve()).toMatchObject({ z: true });
  });
});

describe('messages', () => {
  it('several questions', () => {
    const m = parseDnsMessage(
      ...whole(
        msg({
          flags: QUERY,
          questions: [
            [name('a.example'), 1],
            [name('b.example'), 28],
            [name(''), 2],
          ],
        }),
      ),
    )!;
    expect(m.queries.map((q) => [q.name.toString(), q.type])).toEqual([
      ['a.example', 1],
      ['b.example', 28],
      ['', 2],
    ]);
  });

  it('decodes each record type', () => {
    // Offsets: header 12, question name 'example.com' 13 bytes at 12 (example at 12, com at 20).
    const q = name('example.com');
    const txt = Buffer.concat([Buffer.from([5]), Buffer.from('hello'), Buffer.from([3]), Buffer.from('a b')]);
    const soa = Buffer.concat([
      name('ns1.example.com'),
      ptr(12),
      u32(2024010101),
      u32(7200),
      u32(900),
      u32(1209600),
      u32(300),
    ]);
    const srv = Buffer.concat([u16(10), u16(60), u16(5060), name('sip.example.com')]);
    const mx = Buffer.concat([u16(10), Buffer.from([4]), Buffer.from('mail'), ptr(12)]);
    const sshfp = Buffer.concat([Buffer.from([1, 2]), Buffer.from('0123456789abcdef', 'hex')]);
    const opt = Buffer.concat([u16(10), u16(8), Buffer.from('0102030405060708', 'hex')]);
    const aaaa = Buffer.from('20010db8000000000000000000000001', 'hex');
    const b = msg({
      flags: RESPONSE | 0x0400,
      questions: [[q, 255]],
      answers: [
        [ptr(12), 1, 10, ipv4('192.0.2.1')],
        [ptr(12), 28, 11, aaaa],
        [ptr(12), 5, 12, name('alias.example.org')],
        [ptr(12), 2, 13, Buffer.concat([Buffer.from([3]), Buffer.from('ns1'), ptr(12)])],
        [name('1.2.0.192.in-addr.arpa'), 12, 14, ptr(12)],
        [ptr(12), 15, 15, mx],
        [ptr(12), 16, 16, txt],
        [ptr(12), 6, 17, soa],
        [name('_sip._udp.example.com'), 33, 18, srv],
        [ptr(12), 44, 19, sshfp],
        [ptr(12), 10, 20, Buffer.from([0x41, 0x00, 0x42])],
        [ptr(12), 1234, 21, Buffer.from('opaque')],
      ],
      additionals: [[name(''), 41, 0x8000, opt]],
    });
    const events: string[] = [];
    const m = parseDnsMessage(...whole(b), events)!;
    expect(events).toEqual([]);
    const a = m.answers;
    expect(a.map((r) => [r.name.toString(), r.type, r.ttl, r.data])).toEqual([
      ['example.com', 1, 10, '192.0.2.1'],
      ['example.com', 28, 11, '2001:db8::1'],
      ['example.com', 5, 12, 'alias.example.org'],
      ['example.com', 2, 13, 'ns1.example.com'],
      ['1.2.0.192.in-addr.arpa', 12, 14, 'example.com'],
      ['example.com', 15, 15, 'mail.example.com'],
      ['example.com', 16, 16, 'hello a b'],
      ['example.com', 6, 17, ''],
      ['_sip._udp.example.com', 33, 18, 'sip.example.com'],
      ['example.com', 44, 19, ''],
      ['example.com', 10, 20, 'A\\x00B'],
      ['example.com', 1234, 21, ''],
    ]);
    expect(a[5]!.preference).toBe(10);
    expect(a[6]!.txt!.map(String)).toEqual(['hello', 'a b']);
    expect(a[7]!.soa).toMatchObject({ serial: 2024010101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 });
    expect(a[7]!.soa!.mname.toString()).toBe('ns1.example.com');
    expect(a[7]!.soa!.rname.toString()).toBe('example.com');
    expect(a[8]!.srv).toEqual({ priority: 10, weight: 60, port: 5060 });
    expect(a[9]!.sshfp).toEqual({ algo: 1, fpType: 2 });
    expect(a[9]!.rdata.toString('hex')).toBe('0123456789abcdef');
    expect(a[11]!.rdlength).toBe(6);
    expect(a[11]!.rdata.length).toBe(0);
    expect(m.additionals[0]!.opt!.map((o) => [o.code, o.data.toString('hex')])).toEqual([[10, '0102030405060708']]);

    const tx = new DnsTx(7);
    tx.response = m;
    const eve = tx.toEve(undefined, { grouped: true });
    expectValidEve(eve);
    expect(eve).toMatchObject({
      version: 3,
      type: 'response',
      tx_id: 7,
      flags: '8580',
      qr: true,
      aa: true,
      rd: true,
      ra: true,
      opcode: 0,
      rcode: 'NOERROR',
      queries: [{ rrname: 'example.com', rrtype: 'ANY' }],
    });
    const answers = eve.answers as Record<string, unknown>[];
    // TXT with two strings logs two entries, as Suricata does.
    expect(answers.filter((x) => x.rrtype === 'TXT').map((x) => x.rdata)).toEqual(['hello', 'a b']);
    expect(answers.find((x) => x.rrtype === 'SOA')).toEqual({
      rrname: 'example.com',
      rrtype: 'SOA',
      ttl: 17,
      soa: {
        mname: 'ns1.example.com',
        rname: 'example.com',
        serial: 2024010101,
        refresh: 7200,
        retry: 900,
        expire: 1209600,
        minimum: 300,
      },
    });
    expect(answers.find((x) => x.rrtype === 'SRV')!.srv).toEqual({
      priority: 10,
      weight: 60,
      port: 5060,
      name: 'sip.example.com',
    });
    expect(answers.find((x) => x.rrtype === 'SSHFP')!.sshfp).toEqual({
      fingerprint: '01:23:45:67:89:ab:cd:ef',
      algo: 1,
      type: 2,
    });
    expect(answers.find((x) => x.rrtype === '1234')).toEqual({ rrname: 'example.com', rrtype: '1234', ttl: 21 });
    expect(eve.additionals).toEqual([
      { rrname: '', rrtype: 'OPT', ttl: 0x8000, opt: [{ code: 10, data: '0102030405060708' }] },
    ]);
    expect((eve.grouped as Record<string, unknown>).A).toEqual(['192.0.2.1']);
    expect((eve.grouped as Record<string, unknown>).TXT).toEqual(['hello', 'a b']);
  });

  it('keeps a record whose RDATA has the wrong shape, and says so', () => {
    const events: string[] = [];
    const m = parseDnsMessage(
      ...whole(
        msg({
          flags: RESPONSE,
          questions: [[name('a.b'), 1]],
          answers: [
            [ptr(12), 1, 1, Buffer.from([1, 2, 3])], // A with 3 bytes
            [ptr(12), 1, 1, ipv4('10.0.0.1')],
          ],
        }),
      ),
      events,
    )!;
    expect(events).toEqual([DNS_EVENTS.malformedData]);
    expect(m.answers.map((r) => [r.rdataMalformed, r.data])).toEqual([
      [true, ''],
      [false, '10.0.0.1'],
    ]);
  });

  it('NXDOMAIN with the zone SOA in the authority section', () => {
    const { sink, feed } = udp();
    const q = msg({ id: 77, flags: QUERY, questions: [[name('nope.example.com'), 1]] });
    const soa = Buffer.concat([
      name('ns.example.com'),
      name('hostmaster.example.com'),
      u32(1),
      u32(2),
      u32(3),
      u32(4),
      u32(5),
    ]);
    const r = msg({
      id: 77,
      flags: RESPONSE | 3,
      questions: [[name('nope.example.com'), 1]],
      authorities: [[ptr(17), 6, 900, soa]],
    });
    feed(TO_SERVER, q);
    feed(TO_CLIENT, r);
    const tx = sink.txs[0]!;
    expect(tx.rcode).toBe(3);
    expect(tx.rcodeName).toBe('NXDOMAIN');
    expect(tx.authorities[0]!.name.toString()).toBe('example.com');
    const eve = tx.toEve(TO_CLIENT);
    expectValidEve(eve);
    expect(eve).toMatchObject({ type: 'response', id: 77, rcode: 'NXDOMAIN', flags: '8183' });
    expect(eve.answers).toBeUndefined();
    expect(eve.authorities).toEqual([
      {
        rrname: 'example.com',
        rrtype: 'SOA',
        ttl: 900,
        soa: {
          mname: 'ns.example.com',
          rname: 'hostmaster.example.com',
          serial: 1,
          refresh: 2,
          retry: 3,
          expire: 4,
          minimum: 5,
        },
      },
    ]);
    const req = tx.toEve(TO_SERVER);
    expectValidEve(req);
    expect(req).toEqual({
      version: 3,
      type: 'request',
      tx_id: 0,
      id: 77,
      flags: '100',
      rd: true,
      opcode: 0,
      rcode: 'NOERROR',
      queries: [{ rrname: 'nope.example.com', rrtype: 'A' }],
    });
  });
});

/** [buf, start, end] of b placed at a non-zero offset. */
function whole(b: Buffer): [Buffer, number, number] {
  const big = Buffer.alloc(b.length + 9, 0xee);
  b.copy(big, 4);
  return [big, 4, 4 + b.length];
}

describe('names and compression pointers', () => {
  it('follows pointers into earlier names and suffixes', () => {
    // 'mail' + pointer to 'example.com' inside 'www.example.com' (offset 12 + 4).
    const b = msg({
      flags: RESPONSE,
      questions: [[name('www.example.com'), 1]],
      answers: [[Buffer.concat([Buffer.from([4]), Buffer.from('mail'), ptr(16)]), 5, 1, ptr(12)]],
    });
    const events: string[] = [];
    const m = parseDnsMessage(...whole(b), events)!;
    expect(events).toEqual([]);
    expect(m.answers[0]!.name.toString()).toBe('mail.example.com');
    expect(m.answers[0]!.data).toBe('www.example.com');
  });

  it('a pointer to itself is an infinite loop: flagged, no hang, the record walk goes on', () => {
    // The question's name is a pointer to offset 12: itself.
    const b = msg({ flags: QUERY, questions: [[ptr(12), 1]] });
    const events: string[] = [];
    const m = parseDnsMessage(...whole(b), events)!;
    expect(events).toEqual([DNS_EVENTS.infiniteLoop]);
    expect(m.queries[0]!.name.toString()).toBe('');
    expect(m.queries[0]!.type).toBe(1);
  });

  it('a two-pointer loop is caught', () => {
    // Question 'a.b' at 12. Answer owner at 29: label 'x' then a pointer back to 29 (its own segment).
    const q = name('a.b'); // 5 bytes: 12..16, then type/class to 21
    const answerAt = 12 + q.length + 4;
    const owner = Buffer.concat([Buffer.from([1]), Buffer.from('x'), ptr(answerAt)]);
    const b = msg({ flags: RESPONSE, questions: [[q, 1]], answers: [[owner, 1, 5, ipv4('1.2.3.4')]] });
    const events: string[] = [];
    const m = parseDnsMessage(...whole(b), events)!;
    expect(events).toEqual([DNS_EVENTS.infiniteLoop]);
    expect(m.answers[0]!.name.toString()).toBe('x');
    expect(m.answers[0]!.data).toBe('1.2.3.4');
    // A chain: answer 2's name points to answer 1's pointer, which points back into answer 2.
    const a2At = answerAt + owner.length + 10 + 4;
    const chain = msg({
      flags: RESPONSE,
      questions: [[q, 1]],
      answers: [
        [Buffer.concat([Buffer.from([1]), Buffer.from('y'), ptr(a2At)]), 1, 5, ipv4('1.2.3.4')],
        [Buffer.concat([Buffer.from([1]), Buffer.from('z'), ptr(answerAt)]), 1, 5, ipv4('5.6.7.8')],
      ],
    });
    const ev2: string[] = [];
    const m2 = parseDnsMessage(...whole(chain), ev2)!;
    expect(m2.answers.map((r) => [r.name.toString(), r.data])).toEqual([
      ['y', '1.2.3.4'], // forward pointer: refused
      ['z.y', '5.6.7.8'], // back to answer 1, whose pointer leads into answer 2's own segment: refused
    ]);
    expect(ev2).toEqual([DNS_EVENTS.malformedData, DNS_EVENTS.infiniteLoop]);
  });

  it('a forward pointer is malformed', () => {
    const b = msg({
      flags: RESPONSE,
      questions: [[ptr(40), 1]],
      answers: [[name('later.example'), 1, 1, ipv4('1.1.1.1')]],
    });
    const events: string[] = [];
    const m = parseDnsMessage(...whole(b), events)!;
    expect(events).toEqual([DNS_EVENTS.malformedData]);
    expect(m.answers[0]!.data).toBe('1.1.1.1');
    // Into the header is no better.
    const h = msg({ flags: QUERY, questions: [[Buffer.concat([Buffer.from([1, 0x61]), ptr(2)]), 1]] });
    const ev2: string[] = [];
    expect(parseDnsMessage(...whole(h), ev2)!.queries[0]!.name.toString()).toBe('a');
    expect(ev2).toEqual([DNS_EVENTS.malformedData]);
  });

  it('a name over 255 octets is cut and flagged', () => {
    const label = 'x'.repeat(63);
    const long = [label, label, label, label, label].join('.'); // 5 * 64 + 1 = 321 octets
    const { sink, feed } = udp();
    feed(TO_SERVER, msg({ flags: QUERY, questions: [[name(long), 16]] }));
    expect(sink.anomalies).toEqual([DNS_EVENTS.nameTooLong]);
    const tx = sink.txs[0]!;
    expect(tx.queries[0]!.nameTruncated).toBe(true);
    expect(tx.queryName.toString()).toBe([label, label, label].join('.'));
    const eve = tx.toEve();
    expectValidEve(eve);
    expect(eve.queries).toEqual([{ rrname: [label, label, label].join('.'), rrtype: 'TXT', rrname_truncated: true }]);
    // 253 characters (255 octets) is the longest legal name.
    const max = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
    expect(max.length).toBe(253);
    const ev: string[] = [];
    expect(parseDnsMessage(...whole(msg({ questions: [[name(max), 1]] })), ev)!.queries[0]!.name.toString()).toBe(max);
    expect(ev).toEqual([]);
  });

  it('a reserved label type in a question drops the message', () => {
    const { sink, feed } = udp();
    feed(TO_SERVER, msg({ flags: QUERY, questions: [[Buffer.from([0x41, 0x61, 0]), 1]] }));
    expect(sink.anomalies).toEqual([DNS_EVENTS.malformedData]);
    expect(sink.progress).toEqual([]);
  });

  it('keeps non-printable bytes in the buffer and escapes them for EVE', () => {
    const m = parseDnsMessage(...whole(msg({ flags: QUERY, questions: [[name('a\x01b.c'), 1]] })))!;
    expect(m.queries[0]!.name).toEqual(Buffer.from('a\x01b.c', 'latin1'));
    expect(dnsText(m.queries[0]!.name)).toBe('a\\x01b.c');
  });
});

describe('malformed and truncated input', () => {
  const BIG = msg({
    id: 5,
    flags: RESPONSE,
    questions: [
      [name('www.example.com'), 1],
      [ptr(12), 28],
    ],
    answers: [
      [ptr(12), 5, 1, name('cdn.example.net')],
      [ptr(33 + 4), 1, 1, ipv4('10.1.2.3')],
      [ptr(12), 16, 1, Buffer.concat([Buffer.from([2]), Buffer.from('hi')])],
    ],
    authorities: [[ptr(16), 2, 1, name('ns.example.com')]],
    additionals: [[name('ns.example.com'), 28, 1, Buffer.alloc(16, 1)]],
  });

  it('parses the full message without anomalies', () => {
    const ev: string[] = [];
    const m = parseDnsMessage(...whole(BIG), ev)!;
    expect(ev).toEqual([]);
    expect([m.queries.length, m.answers.length, m.authorities.length, m.additionals.length]).toEqual([2, 3, 1, 1]);
  });

  it('never throws at any truncation, over UDP or TCP, and every EVE it builds is valid', () => {
    for (let n = 1; n < BIG.length; n++) {
      const { sink, feed } = udp();
      expect(() => feed(TO_CLIENT, BIG.subarray(0, n))).not.toThrow();
      expect(sink.anomalies.length, `cut at ${n}`).toBeGreaterThan(0);
      for (const tx of sink.txs) expectValidEve(tx.toEve());
      // TCP: a length prefix that promises more than the message holds, then end of flow.
      const t = dnsTcpParser.create(new Sink(), {});
      expect(() => {
        t.parse(TO_CLIENT, tcpFrame(BIG).subarray(0, n + 2), 0, n + 2, 0, 0);
        t.end();
      }).not.toThrow();
      // TCP: a message whose prefix matches its cut length.
      const t2 = new Sink();
      const s2 = dnsTcpParser.create(t2, {});
      const f = tcpFrame(BIG.subarray(0, n));
      expect(() => s2.parse(TO_CLIENT, f, 0, f.length, 0, 0)).not.toThrow();
    }
  });

  it('a cut authority or additional section keeps what came before', () => {
    const cutAuth = msg({
      flags: RESPONSE,
      questions: [[name('a.b'), 1]],
      answers: [[ptr(12), 1, 1, ipv4('1.2.3.4')]],
      counts: [1, 1, 2, 0],
    });
    const ev: string[] = [];
    const m = parseDnsMessage(...whole(cutAuth), ev)!;
    expect(ev).toEqual([DNS_EVENTS.invalidAuthorities]);
    expect(m.invalidAuthorities).toBe(true);
    expect(m.answers[0]!.data).toBe('1.2.3.4');
    const cutAdd = msg({
      flags: RESPONSE,
      questions: [[name('a.b'), 1]],
      additionals: [[name(''), 41, 0, Buffer.alloc(0)]],
      counts: [1, 0, 0, 2],
    });
    const ev2: string[] = [];
    const m2 = parseDnsMessage(...whole(cutAdd), ev2)!;
    expect(ev2).toEqual([DNS_EVENTS.invalidAdditionals]);
    expect(m2.additionals).toHaveLength(1);
    // An RDLENGTH past the end of the message in the answers: the message is unusable.
    const badAnswer = Buffer.concat([
      msg({ flags: RESPONSE, questions: [[name('a.b'), 1]], counts: [1, 1, 0, 0] }),
      ptr(12),
      u16(1),
      u16(1),
      u32(1),
      u16(200),
      ipv4('1.2.3.4'),
    ]);
    const ev3: string[] = [];
    expect(parseDnsMessage(...whole(badAnswer), ev3)).toBeNull();
    expect(ev3).toEqual([DNS_EVENTS.malformedData]);
  });

  it('random bytes never throw', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >> 16;
    };
    const { feed } = udp();
    const t = dnsTcpParser.create(new Sink(), {});
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(BIG);
      // Flip a few bytes of a real message, so the parser gets deep before it breaks.
      for (let k = 0; k < 4; k++) b[rnd() % b.length] = rnd() & 0xff;
      expect(() => feed(i & 1 ? TO_CLIENT : TO_SERVER, b)).not.toThrow();
      expect(() => t.parse(TO_SERVER, b, 0, b.length, 0, 0)).not.toThrow();
    }
  });
});

describe('DNS over TCP', () => {
  function tcp() {
    const sink = new Sink();
    const st = dnsTcpParser.create(sink, {});
    return { sink, st };
  }
  const Q2 = msg({ id: 0x4321, flags: QUERY, questions: [[name('mail.example.com'), 15]] });
  const R2 = msg({
    id: 0x4321,
    flags: RESPONSE,
    questions: [[name('mail.example.com'), 15]],
    answers: [[ptr(12), 15, 5, Buffer.concat([u16(5), ptr(12)])]],
  });

  it('two messages in one chunk', () => {
    const { sink, st } = tcp();
    const c = Buffer.concat([tcpFrame(Q_WWW), tcpFrame(Q2)]);
    st.parse(TO_SERVER, c, 0, c.length, 0, 0);
    expect(sink.txs.map((t) => t.queryName.toString())).toEqual(['www.example.com', 'mail.example.com']);
    const r = Buffer.concat([tcpFrame(R2), tcpFrame(R_WWW)]);
    st.parse(TO_CLIENT, r, 0, r.length, 0, 0);
    expect(sink.txs.map((t) => [t.id, t.answers.length])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(sink.txs[1]!.answers[0]!.data).toBe('mail.example.com');
    expect(sink.anomalies).toEqual([]);
  });

  it('one message split byte by byte, and chunks that straddle messages', () => {
    const { sink, st } = tcp();
    const c = Buffer.concat([tcpFrame(Q_WWW), tcpFrame(Q2), tcpFrame(Q_WWW)]);
    for (let i = 0; i < c.length; i++) st.parse(TO_SERVER, c, i, i + 1, 0, 0);
    expect(sink.txs.map((t) => t.queryName.toString())).toEqual([
      'www.example.com',
      'mail.example.com',
      'www.example.com',
    ]);
    // Every split point of the response stream.
    const r = Buffer.concat([tcpFrame(R_WWW), tcpFrame(R2)]);
    for (let cut = 0; cut <= r.length; cut++) {
      const t = tcp();
      t.st.parse(TO_SERVER, tcpFrame(Q_WWW), 0, Q_WWW.length + 2, 0, 0);
      t.st.parse(TO_CLIENT, r, 0, cut, 0, 0);
      t.st.parse(TO_CLIENT, r, cut, r.length, 0, 0);
      expect(
        t.sink.txs.map((x) => [x.request?.id, x.response?.id, x.answers.length]),
        `cut ${cut}`,
      ).toEqual([
        [0x1234, 0x1234, 2],
        [undefined, 0x4321, 1],
      ]);
      expect(t.sink.anomalies).toEqual([]);
    }
  });

  it('resynchronises after a gap at the next plausible message', () => {
    const { sink, st } = tcp();
    const f = tcpFrame(Q_WWW);
    st.parse(TO_SERVER, f, 0, 10, 0, 0); // part of a message
    st.gap(TO_SERVER, 100);
    st.parse(TO_SERVER, f, 20, f.length, 0, 0); // the tail of something: dropped
    expect(sink.progress).toEqual([]);
    const c = Buffer.concat([tcpFrame(Q2), tcpFrame(Q_WWW)]);
    st.parse(TO_SERVER, c, 0, c.length, 0, 0);
    expect(sink.txs.map((t) => t.queryName.toString())).toEqual(['mail.example.com', 'www.example.com']);
    expect(sink.anomalies).toEqual([]);
  });

  it('a zero length prefix is malformed', () => {
    const { sink, st } = tcp();
    const c = Buffer.concat([u16(0), tcpFrame(Q_WWW)]);
    st.parse(TO_SERVER, c, 0, c.length, 0, 0);
    expect(sink.anomalies).toEqual([DNS_EVENTS.malformedData]);
    expect(sink.txs).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Real captures
// ---------------------------------------------------------------------------------------------

interface Replay {
  sink: Sink;
  /** One entry per payload fed: [frame number, direction]. */
  fed: [number, Direction][];
}

/** Feed each UDP/TCP payload of `file` on port 53 to one parser state per flow (initiator = first sender). */
function replay(file: string, parser: AppParser): Replay {
  const sink = new Sink();
  const flows = new Map<string, { st: AppParserState; initiator: string }>();
  const fed: [number, Direction][] = [];
  const r = openCaptureFile(join(CORPUS, 'pcaps', file));
  let n = 0;
  try {
    while (r.next()) {
      n++;
      const p = decodeFrame(Buffer.from(r.data.subarray(r.start, r.start + r.caplen)), r.linkType);
      if (p.payloadLen <= 0 || (p.srcPort !== 53 && p.dstPort !== 53)) continue;
      if ((parser.transport === 'udp') !== (p.ipProto === 17)) continue;
      const alen = p.ipVersion === 4 ? 4 : 16;
      const src = `${p.data.toString('hex', p.srcAddrOff, p.srcAddrOff + alen)}:${p.srcPort}`;
      const dst = `${p.data.toString('hex', p.dstAddrOff, p.dstAddrOff + alen)}:${p.dstPort}`;
      const key = [src, dst].sort().join('/');
      let f = flows.get(key);
      if (!f) {
        f = { st: parser.create(sink, key), initiator: src };
        flows.set(key, f);
      }
      const dir = src === f.initiator ? TO_SERVER : TO_CLIENT;
      fed.push([n, dir]);
      f.st.parse(dir, p.data, p.payloadOff, p.payloadOff + p.payloadLen, r.tsSec, r.tsNsec);
    }
  } finally {
    r.close();
  }
  return { sink, fed };
}

describe('captures', () => {
  it('zeek-dns53.pcap: one response (port 53 to 53, ID 0x6465) with answers, authorities and additionals', () => {
    const { sink } = replay('zeek-dns53.pcap', dnsUdpParser);
    // The only packet is a response, and it starts the flow: it goes to the server side.
    expect(sink.anomalies).toEqual([DNS_EVENTS.notRequest]);
    const tx = sink.txs[0]!;
    expect(tx.queryName.toString()).toBe('us.v27.distributed.net');
    expect(tx.dnsId).toBe(0x6465);
    expect(tx.answers).toHaveLength(8);
    expect(tx.answers.every((a) => a.type === 1 && a.name.toString() === 'us.v27.distributed.net')).toBe(true);
    expect(tx.answers[0]!.data).toBe('206.109.64.186');
    expect(tx.answers[0]!.ttl).toBe(900);
    expect(tx.authorities.map((a) => a.data)).toEqual([
      'ns1.distributed.net',
      'ns2.distributed.net',
      'ns3.distributed.net',
      'ns6.distributed.net',
      'ns1.best.com',
      'ns2.best.com',
      'ns3.best.com',
    ]);
    expect(tx.additionals.map((a) => [a.name.toString(), a.data])).toEqual([
      ['ns1.distributed.net', '209.98.32.14'],
      ['ns2.distributed.net', '64.9.167.166'],
      ['ns3.distributed.net', '216.1.205.81'],
      ['ns6.distributed.net', '205.149.163.211'],
      ['ns1.best.com', '209.24.149.41'],
      ['ns2.best.com', '209.157.102.11'],
      ['ns3.best.com', '209.24.149.42'],
    ]);
    const eve = tx.toEve(undefined, { grouped: true });
    expectValidEve(eve);
    expect(eve).toMatchObject({ type: 'response', id: 0x6465, flags: '8480', qr: true, aa: true, rcode: 'NOERROR' });
  });

  it('tcpdump-dns_tcp.pcap: a query and its response over TCP, with EDNS', () => {
    const { sink } = replay('tcpdump-dns_tcp.pcap', dnsTcpParser);
    expect(sink.anomalies).toEqual([]);
    expect(sink.txs).toHaveLength(1);
    const tx = sink.txs[0]!;
    expect(tx.queryName.toString()).toBe('www.tcpdump.org');
    expect(tx.progress).toBe(15);
    expect(tx.answers.map((a) => a.data)).toEqual(['192.139.46.66', '198.199.88.104']);
    expect(tx.authorities.map((a) => [a.name.toString(), a.data])).toEqual([
      ['tcpdump.org', 'nic.sandelman.ca'],
      ['tcpdump.org', 'sns.cooperix.net'],
    ]);
    expect(tx.additionals.map((a) => [a.name.toString(), a.type, a.data])).toEqual([
      ['nic.sandelman.ca', 1, '209.87.249.18'],
      ['nic.sandelman.ca', 28, '2607:f0b0:f::babe:f00d'],
      ['sns.cooperix.net', 1, '97.107.133.15'],
      ['sns.cooperix.net', 28, '2600:3c03::f03c:91ff:fe96:e8ef'],
      ['', 41, ''],
    ]);
    // The query's OPT carries a cookie option (10): logged; the response's OPT has none: left out.
    const req = tx.toEve(TO_SERVER);
    expectValidEve(req);
    expect(req.additionals).toEqual([
      { rrname: '', rrtype: 'OPT', ttl: 0, opt: [{ code: 10, data: '8f06be7d691442f0' }] },
    ]);
    const resp = tx.toEve(TO_CLIENT);
    expectValidEve(resp);
    expect((resp.additionals as unknown[]).length).toBe(4);
  });

  it('zeek-ipv6-fragmented-dns.pcap: TXT queries over IPv6; the first fragment of a big answer is cut', () => {
    const { sink, fed } = replay('zeek-ipv6-fragmented-dns.pcap', dnsUdpParser);
    expect(fed.map((f) => f[0])).toEqual([1, 2, 3, 5, 6]);
    const txs = sink.txs;
    expect(txs.map((t) => [t.queryName.toString(), t.queries[0]!.type, t.response !== undefined])).toEqual([
      ['txtpadding_323.n1.netalyzr.icsi.berkeley.edu', 16, true],
      ['txtpadding_3230.n1.netalyzr.icsi.berkeley.edu', 16, false],
      ['txtpadding_3230.n1.netalyzr.icsi.berkeley.edu', 16, false],
    ]);
    const first = txs[0]!;
    expect(first.answers[0]!.txt!.map((t) => t.length)).toEqual([33, 21, 136]);
    expect(first.answers[0]!.txt![0]!.toString()).toBe('This TXT record should be ignored');
    expect(first.authorities[0]!.data).toBe('roland.icir.org');
    expectValidEve(first.toEve());
    // Frame 6 holds only the first 1424 bytes of a 3.2 kB response (the rest is in fragments).
    expect(sink.anomalies).toEqual([DNS_EVENTS.malformedData]);
  });
});

describe('messages decoded on demand', () => {
  /** A parser state fed from one scratch buffer that is overwritten after each call. */
  function reused(parser: AppParser = dnsUdpParser) {
    const sink = new Sink();
    const st = parser.create(sink, {});
    const scratch = Buffer.alloc(70 * 1024);
    const feed = (d: Direction, b: Buffer) => {
      b.copy(scratch, 3);
      st.parse(d, scratch, 3, 3 + b.length, 0, 0);
      scratch.fill(0x5a);
    };
    return { sink, st, feed };
  }

  it('decodes from its own copy: the input buffer may be reused at once', () => {
    const { sink, feed } = reused();
    feed(TO_SERVER, Q_WWW);
    feed(TO_CLIENT, R_WWW);
    expect(sink.anomalies).toEqual([]);
    const tx = sink.txs[0]!;
    expect(tx.queryName.toString()).toBe('www.example.com');
    expect(tx.answers.map((a) => [a.name.toString(), a.type, a.ttl, a.data])).toEqual([
      ['www.example.com', 5, 300, 'edge.example.net'],
      ['edge.example.net', 1, 60, '93.184.216.34'],
    ]);
    const ref = udp();
    ref.feed(TO_SERVER, Q_WWW);
    ref.feed(TO_CLIENT, R_WWW);
    expect(tx.toEve(TO_CLIENT, { grouped: true })).toEqual(ref.sink.txs[0]!.toEve(TO_CLIENT, { grouped: true }));
    expect(tx.toEve(TO_SERVER)).toEqual(ref.sink.txs[0]!.toEve(TO_SERVER));
  });

  it('keeps thousands of messages apart, small and large, over UDP and TCP', () => {
    const txt = (i: number) => Buffer.from(`v=${i};${'x'.repeat(200)}`);
    const build = (i: number): [Buffer, Buffer] => {
      const host = name(`h${i}.example.org`);
      const q = msg({ id: i & 0xffff, flags: QUERY, questions: [[host, i % 7 === 0 ? 16 : 1]] });
      const answers: RR[] =
        i % 7 === 0
          ? // a TXT answer of several strings: over 1 KiB when i % 14 === 0
            Array.from({ length: i % 14 === 0 ? 6 : 1 }, (_, k) => [ptr(12), 16, 60 + k, Buffer.concat([Buffer.from([txt(i).length]), txt(i)])] as RR)
          : [[ptr(12), 1, i, ipv4(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)]];
      const r = msg({ id: i & 0xffff, flags: RESPONSE, questions: [[host, i % 7 === 0 ? 16 : 1]], answers });
      return [q, r];
    };
    for (const [parser, frame] of [
      [dnsUdpParser, (b: Buffer) => b],
      [dnsTcpParser, tcpFrame],
    ] as const) {
      const { sink, feed } = reused(parser);
      const n = 1200;
      for (let i = 0; i < n; i++) {
        const [q, r] = build(i);
        feed(TO_SERVER, frame(q));
        feed(TO_CLIENT, frame(r));
      }
      expect(sink.anomalies).toEqual([]);
      const txs = sink.txs;
      expect(txs).toHaveLength(n);
      // Read them back in reverse, long after the bytes they came in were overwritten.
      for (let i = n - 1; i >= 0; i--) {
        const tx = txs[i]!;
        expect(tx.queryName.toString()).toBe(`h${i}.example.org`);
        if (i % 7 === 0) {
          expect(tx.answers).toHaveLength(i % 14 === 0 ? 6 : 1);
          expect(tx.answers[0]!.data).toBe(txt(i).toString());
        } else {
          expect(tx.answers.map((a) => [a.ttl, a.data])).toEqual([[i, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]]);
        }
      }
    }
  });

  it('parseDnsMessage: events at once, contents when asked, views into the one buffer the message owns', () => {
    const b = msg({
      id: 7,
      flags: RESPONSE | 0x0040,
      questions: [[name('a.example'), 1]],
      answers: [[ptr(12), 1, 5, ipv4('192.0.2.1')]],
      authorities: [[ptr(12), 1, 5, Buffer.from([192, 0, 2])]], // an A record of 3 bytes: malformed RDATA
    });
    const copy = Buffer.from(b);
    const events: string[] = [];
    const m = parseDnsMessage(copy, 0, copy.length, events)!;
    expect(events).toEqual([DNS_EVENTS.malformedData, DNS_EVENTS.zFlagSet]);
    copy.fill(0);
    expect(m.id).toBe(7);
    expect(m.queries[0]!.name.toString()).toBe('a.example');
    expect(m.answers[0]!.data).toBe('192.0.2.1');
    expect(m.authorities[0]!.rdataMalformed).toBe(true);
    expect(m.answers[0]!.rdata.buffer).toBe(m.buf.buffer);
    expect([m.invalidAuthorities, m.invalidAdditionals, m.capped]).toEqual([false, false, false]);
    // Parsing another message in between does not disturb a message not yet decoded.
    const m2 = parseDnsMessage(Q_WWW, 0, Q_WWW.length)!;
    const m3 = parseDnsMessage(R_WWW, 0, R_WWW.length)!;
    expect(m3.answers.map((a) => a.data)).toEqual(['edge.example.net', '93.184.216.34']);
    expect(m2.queries[0]!.name.toString()).toBe('www.example.com');
  });
});
