import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { TLS_EVENTS, type TlsTx, tlsParser, tlsVersionName } from '../../src/app/tls.js';
import {
  type AppTx,
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
import { RecordingSink } from '../helpers/app-sink.js';
import { SHARED } from '../helpers/cli.js';
import { decodeFrame } from '../helpers/decode.js';

// ---------------------------------------------------------------------------------------
// Builders

const u8 = (v: number) => Buffer.from([v & 0xff]);
const u16 = (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const u24 = (v: number) => Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
const cat = (...parts: Buffer[]) => Buffer.concat(parts);
const vec16 = (b: Buffer) => cat(u16(b.length), b);
const vec8 = (b: Buffer) => cat(u8(b.length), b);
const list16 = (vals: number[]) => Buffer.concat(vals.map(u16));

const ext = (type: number, body: Buffer) => cat(u16(type), vec16(body));
const sniExt = (name: string) => ext(0, vec16(cat(u8(0), vec16(Buffer.from(name)))));
const alpnExt = (protos: string[]) => ext(16, vec16(Buffer.concat(protos.map((p) => vec8(Buffer.from(p))))));
const groupsExt = (g: number[]) => ext(10, vec16(list16(g)));
const pointFormatsExt = (f: number[]) => ext(11, vec8(Buffer.from(f)));
const sigAlgsExt = (s: number[]) => ext(13, vec16(list16(s)));
const versionsExt = (v: number[]) => ext(43, vec8(list16(v)));

interface ChOpts {
  version?: number;
  sessionId?: Buffer;
  ciphers?: number[];
  exts?: Buffer[] | null;
}

function handshake(type: number, body: Buffer): Buffer {
  return cat(u8(type), u24(body.length), body);
}

function clientHello(o: ChOpts = {}): Buffer {
  const body = cat(
    u16(o.version ?? 0x0303),
    Buffer.alloc(32, 0x11),
    vec8(o.sessionId ?? Buffer.alloc(0)),
    vec16(list16(o.ciphers ?? [0xc02f, 0xc030, 0x009c])),
    vec8(Buffer.from([0])),
    o.exts === null ? Buffer.alloc(0) : vec16(Buffer.concat(o.exts ?? defaultExts())),
  );
  return handshake(1, body);
}

function defaultExts(): Buffer[] {
  return [
    sniExt('www.example.com'),
    groupsExt([29, 23, 24]),
    pointFormatsExt([0]),
    sigAlgsExt([0x0403, 0x0804, 0x0401]),
    alpnExt(['h2', 'http/1.1']),
  ];
}

interface ShOpts {
  version?: number;
  random?: Buffer;
  sessionId?: Buffer;
  cipher?: number;
  exts?: Buffer[] | null;
}

function serverHello(o: ShOpts = {}): Buffer {
  const body = cat(
    u16(o.version ?? 0x0303),
    o.random ?? Buffer.alloc(32, 0x22),
    vec8(o.sessionId ?? Buffer.alloc(0)),
    u16(o.cipher ?? 0xc02f),
    u8(0),
    o.exts === null ? Buffer.alloc(0) : vec16(Buffer.concat(o.exts ?? [ext(0xff01, vec8(Buffer.alloc(0)))])),
  );
  return handshake(2, body);
}

function certificateMsg(ders: Buffer[]): Buffer {
  const list = Buffer.concat(ders.map((d) => cat(u24(d.length), d)));
  return handshake(11, cat(u24(list.length), list));
}

const serverHelloDone = () => handshake(14, Buffer.alloc(0));

function record(type: number, body: Buffer, version = 0x0303): Buffer {
  return cat(u8(type), u16(version), u16(body.length), body);
}

const hsRecord = (...msgs: Buffer[]) => record(22, Buffer.concat(msgs));
const ccsRecord = () => record(20, Buffer.from([1]));
const appData = (n: number) => record(23, Buffer.alloc(n, 0xab));

// Leaf: C=US, ST=California, O=Example Inc, CN=www.example.com, serial 0x00A1B2C3D4E5F60718,
// SAN DNS:www.example.com, DNS:example.com, IP:192.0.2.1, issued by "Example Test CA"
// (both EC P-256, made with openssl for this test).
const LEAF_DER = Buffer.from(
  '308201f93082019fa003020102020900a1b2c3d4e5f60718300a06082a8648ce3d040302303f310b30090603550406130255' +
    '5331163014060355040a0c0d4578616d706c652054727573743118301606035504030c0f4578616d706c6520546573742043' +
    '41301e170d3236313132333135323730305a170d3237313132333135323730305a3052310b30090603550406130255533113' +
    '301106035504080c0a43616c69666f726e696131143012060355040a0c0b4578616d706c6520496e63311830160603550403' +
    '0c0f7777772e6578616d706c652e636f6d3059301306072a8648ce3d020106082a8648ce3d030107034200049a88c8910ab3' +
    '7e0e3c0a9dcc33220705bf46aed638e9aa3979a21e7b44ea8d75511c0b7fcff706902524d9445e2ceda90b5727007740143a' +
    'df224a46766a9704a371306f302d0603551d1104263024820f7777772e6578616d706c652e636f6d820b6578616d706c652e' +
    '636f6d8704c0000201301d0603551d0e041604144099bccfbfb7ca33b5dd10c3dc6bd6cc133d5a8f301f0603551d23041830' +
    '16801408ac7c1ca9d721605a22dc28ebb0439d8b514f78300a06082a8648ce3d0403020348003045022005b3f0c197811187' +
    'ce5fdd8538add946bdd18b947371bcae14cef7b1e8143e96022100e82b2b963991032d0dc90d5f31367bc9192bd3bbcf5b6e' +
    '098b8259780ec1d87b',
  'hex',
);
const CA_DER = Buffer.from(
  '308201c230820167a00302010202021001300a06082a8648ce3d040302303f310b3009060355040613025553311630140603' +
    '55040a0c0d4578616d706c652054727573743118301606035504030c0f4578616d706c652054657374204341301e170d3236' +
    '313132333135323730305a170d3336313132303135323730305a303f310b300906035504061302555331163014060355040a' +
    '0c0d4578616d706c652054727573743118301606035504030c0f4578616d706c6520546573742043413059301306072a8648' +
    'ce3d020106082a8648ce3d030107034200047f47109e6b4167e84b97809efb4e7f2e3e9737c90deb26494414b492a651a113' +
    '4f66a573af0c62f9d4b8a797b854260708b97b83498efa6699e2d40e6bc6a8eda3533051301d0603551d0e0416041408ac7c' +
    '1ca9d721605a22dc28ebb0439d8b514f78301f0603551d2304183016801408ac7c1ca9d721605a22dc28ebb0439d8b514f78' +
    '300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020349003046022100fdc6fea74f399282977080478d' +
    'ea57549e6086e972a7fd562a94e7308c57c453022100b1dcc38c2ef0275ffd1773102a0c7b865e708940a5dc395d325b80ee' +
    '731749f7',
  'hex',
);

// ---------------------------------------------------------------------------------------
// Harness


type Chunk = [Direction, Buffer];

/** Feed chunks; each buffer is placed at an offset inside a larger one to catch off bugs. */
function run(chunks: Chunk[], opts: { end?: boolean } = {}) {
  const sink = new RecordingSink<TlsTx>('tls');
  const st = tlsParser.create(sink, { flow: 1 });
  for (const [dir, b] of chunks) {
    const big = Buffer.alloc(b.length + 10, 0xee);
    b.copy(big, 3);
    st.parse(dir, big, 3, 3 + b.length, 0, 0);
  }
  if (opts.end !== false) st.end();
  return { sink, st };
}

/** Split each chunk at every `step` bytes (1 = byte at a time). */
function splitEvery(chunks: Chunk[], step: number): Chunk[] {
  const out: Chunk[] = [];
  for (const [d, b] of chunks) for (let i = 0; i < b.length; i += step) out.push([d, b.subarray(i, i + step)]);
  return out;
}

let validator: ValidateFunction | undefined;
function tlsSchema(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(join(SHARED, 'reference/eve.schema.json'), 'utf8')) as {
    properties: { tls: object };
    $defs: object;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addKeyword('suricata');
  validator = ajv.compile({ ...schema.properties.tls, $defs: schema.$defs });
  return validator;
}

function expectValidEve(tx: AppTx): Record<string, unknown> {
  const eve = tx.toEve();
  const v = tlsSchema();
  const ok = v(eve);
  expect(v.errors ?? [], JSON.stringify(eve)).toEqual([]);
  expect(ok).toBe(true);
  return eve;
}

const fullHandshake12 = (): Chunk[] => [
  [TO_SERVER, hsRecord(clientHello())],
  [TO_CLIENT, hsRecord(serverHello({ exts: [ext(0xff01, vec8(Buffer.alloc(0))), alpnExt(['h2'])] }))],
  [TO_CLIENT, hsRecord(certificateMsg([LEAF_DER, CA_DER]), serverHelloDone())],
  [TO_SERVER, cat(hsRecord(handshake(16, Buffer.alloc(66, 4))), ccsRecord(), record(22, Buffer.alloc(40, 0x5a)))],
  [TO_CLIENT, cat(ccsRecord(), record(22, Buffer.alloc(40, 0x5b)))],
  [TO_SERVER, appData(100)],
  [TO_CLIENT, appData(300)],
];

// ---------------------------------------------------------------------------------------

describe('tls probe', () => {
  const probe = tlsParser.probe;
  it('recognises a ClientHello record to the server', () => {
    const rec = hsRecord(clientHello());
    expect(probe(rec, 0, rec.length, TO_SERVER)).toBe(PROBE_YES);
    expect(probe(rec, 0, 6, TO_SERVER)).toBe(PROBE_YES);
    for (let n = 0; n < 6; n++) expect(probe(rec, 0, n, TO_SERVER)).toBe(PROBE_NEED_MORE);
    // ServerHello in the wrong direction
    expect(probe(rec, 0, rec.length, TO_CLIENT)).toBe(PROBE_NO);
  });
  it('recognises ServerHello and alerts to the client', () => {
    const sh = hsRecord(serverHello());
    expect(probe(sh, 0, sh.length, TO_CLIENT)).toBe(PROBE_YES);
    expect(probe(sh, 0, sh.length, TO_SERVER)).toBe(PROBE_NO);
    const alert = record(21, Buffer.from([2, 40]));
    expect(probe(alert, 0, alert.length, TO_CLIENT)).toBe(PROBE_YES);
    expect(probe(alert, 0, alert.length, TO_SERVER)).toBe(PROBE_NO);
  });
  it('rejects other protocols early', () => {
    const http = Buffer.from('GET / HTTP/1.1\r\n');
    expect(probe(http, 0, http.length, TO_SERVER)).toBe(PROBE_NO);
    const ssh = Buffer.from('SSH-2.0-OpenSSH_8.9\r\n');
    expect(probe(ssh, 0, ssh.length, TO_CLIENT)).toBe(PROBE_NO);
    const badVersion = Buffer.from([22, 9, 1]);
    expect(probe(badVersion, 0, 3, TO_SERVER)).toBe(PROBE_NO);
    expect(probe(badVersion, 0, 2, TO_SERVER)).toBe(PROBE_NO);
    const appd = appData(4);
    expect(probe(appd, 0, appd.length, TO_SERVER)).toBe(PROBE_NO);
  });
  it('recognises an SSL 2.0 compatible CLIENT-HELLO', () => {
    const v2 = sslv2ClientHello(0x0301);
    expect(probe(v2, 0, v2.length, TO_SERVER)).toBe(PROBE_YES);
    expect(probe(v2, 0, 4, TO_SERVER)).toBe(PROBE_NEED_MORE);
  });
});

describe('tls handshake', () => {
  it('parses a full TLS 1.2 handshake with a certificate chain', () => {
    const { sink } = run(fullHandshake12());
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(tx.id).toBe(0);
    expect(tx.proto).toBe('tls');
    expect(tx.sni?.toString()).toBe('www.example.com');
    expect(tx.clientAlpns.map(String)).toEqual(['h2', 'http/1.1']);
    expect(tx.serverAlpns.map(String)).toEqual(['h2']);
    expect(tx.version).toBe('TLS 1.2');
    expect(tx.cipher).toBe(0xc02f);
    expect(tx.certSubject?.toString()).toBe('C=US, ST=California, O=Example Inc, CN=www.example.com');
    expect(tx.certIssuer?.toString()).toBe('C=US, O=Example Trust, CN=Example Test CA');
    // Raw DER serial, leading 00 kept (as Suricata prints it).
    expect(tx.certSerial?.toString()).toBe('00:A1:B2:C3:D4:E5:F6:07:18');
    expect(tx.certFingerprint?.toString()).toBe('62:9e:54:00:bf:5e:eb:26:b5:32:90:8d:ec:67:67:4d:fe:17:69:06');
    expect(tx.notBefore).toBe(Date.UTC(2026, 10, 23, 15, 27, 0) / 1000);
    expect(tx.notAfter).toBe(Date.UTC(2027, 10, 23, 15, 27, 0) / 1000);
    expect(tx.subjectAltNames).toEqual(['www.example.com', 'example.com', '192.0.2.1']);
    expect(tx.certChainLen).toBe(2);
    expect(tx.serverCert?.chain[1]?.equals(CA_DER)).toBe(true);
    expect(tx.sessionResumed).toBe(false);
    expect(tx.ja3String?.toString()).toBe('771,49199-49200-156,0-10-11-13-16,29-23-24,0');
    expect(tx.ja3Hash?.toString()).toMatch(/^[0-9a-f]{32}$/);
    expect(tx.ja3sString?.toString()).toBe('771,49199,65281-16');
    expect(tx.ja4?.toString()).toMatch(/^t12d0305h2_[0-9a-f]{12}_[0-9a-f]{12}$/);
    expect(tx.progress).toBe(TX_REQUEST_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_HEADERS | TX_RESPONSE_DONE);
    // progress order: ClientHello, ServerHello, Certificate, then the client's CCS
    expect(sink.steps).toEqual([
      { progress: TX_REQUEST_HEADERS, dir: TO_SERVER },
      { progress: TX_REQUEST_HEADERS | TX_RESPONSE_HEADERS, dir: TO_CLIENT },
      { progress: TX_REQUEST_HEADERS | TX_RESPONSE_HEADERS | TX_RESPONSE_DONE, dir: TO_CLIENT },
      { progress: TX_REQUEST_HEADERS | TX_RESPONSE_HEADERS | TX_RESPONSE_DONE | TX_REQUEST_DONE, dir: TO_SERVER },
    ]);
    const eve = expectValidEve(tx);
    expect(eve).toMatchObject({
      subject: 'C=US, ST=California, O=Example Inc, CN=www.example.com',
      issuerdn: 'C=US, O=Example Trust, CN=Example Test CA',
      serial: '00:A1:B2:C3:D4:E5:F6:07:18',
      fingerprint: '62:9e:54:00:bf:5e:eb:26:b5:32:90:8d:ec:67:67:4d:fe:17:69:06',
      sni: 'www.example.com',
      version: 'TLS 1.2',
      notbefore: '2026-11-23T15:27:00',
      notafter: '2027-11-23T15:27:00',
      ja3: { string: '771,49199-49200-156,0-10-11-13-16,29-23-24,0' },
      ja3s: { string: '771,49199,65281-16' },
      client_alpns: ['h2', 'http/1.1'],
      server_alpns: ['h2'],
      subjectaltname: ['www.example.com', 'example.com', '192.0.2.1'],
    });
    expect(eve.session_resumed).toBeUndefined();
  });

  it('gives the same result for every split point and byte-at-a-time input', () => {
    const chunks = fullHandshake12();
    const reference = JSON.stringify(run(chunks).sink.tx.toEve());
    for (const step of [1, 2, 3, 5, 7, 13, 64]) {
      const { sink } = run(splitEvery(chunks, step));
      expect(sink.events).toEqual([]);
      expect(JSON.stringify(sink.tx.toEve())).toBe(reference);
    }
    // every single split point of the ClientHello record
    const ch = hsRecord(clientHello());
    const want = JSON.stringify(run([[TO_SERVER, ch]]).sink.tx.toEve());
    for (let i = 1; i < ch.length; i++) {
      const { sink } = run([
        [TO_SERVER, ch.subarray(0, i)],
        [TO_SERVER, ch.subarray(i)],
      ]);
      expect(sink.events).toEqual([]);
      expect(JSON.stringify(sink.tx.toEve())).toBe(want);
    }
  });

  it('reassembles a handshake message spread over records, and several messages in one record', () => {
    const msg = clientHello();
    const parts = [msg.subarray(0, 3), msg.subarray(3, 50), msg.subarray(50)];
    const fragmented = Buffer.concat(parts.map((p) => hsRecord(p)));
    const { sink } = run([[TO_SERVER, fragmented]]);
    expect(sink.events).toEqual([]);
    expect(sink.tx.sni?.toString()).toBe('www.example.com');
    // ServerHello + Certificate + ServerHelloDone in one record, CCS in the same segment
    const { sink: s2 } = run([
      [TO_SERVER, hsRecord(clientHello())],
      [TO_CLIENT, cat(hsRecord(serverHello(), certificateMsg([LEAF_DER]), serverHelloDone()), ccsRecord())],
    ]);
    expect(s2.events).toEqual([]);
    expect(s2.tx.certSubject?.toString()).toContain('CN=www.example.com');
  });

  it('handles a ClientHello without extensions (SSL 3.0 style)', () => {
    const { sink } = run([
      [TO_SERVER, record(22, clientHello({ version: 0x0300, ciphers: [4, 5, 10], exts: null }), 0x0300)],
      [TO_CLIENT, record(22, serverHello({ version: 0x0300, cipher: 5, exts: null }), 0x0300)],
    ]);
    expect(sink.events).toEqual([]);
    expect(sink.tx.ja3String?.toString()).toBe('768,4-5-10,,,');
    expect(sink.tx.ja3sString?.toString()).toBe('768,5,');
    expect(sink.tx.version).toBe('SSLv3');
    expectValidEve(sink.tx);
  });

  it('leaves GREASE values out of the fingerprints', () => {
    const grease = [0x0a0a, 0x1a1a, 0xfafa];
    const plain = run([[TO_SERVER, hsRecord(clientHello())]]).sink.tx;
    const greasy = run([
      [
        TO_SERVER,
        hsRecord(
          clientHello({
            ciphers: [0x0a0a, 0xc02f, 0xc030, 0x009c],
            exts: [
              ext(0x1a1a, Buffer.alloc(0)),
              sniExt('www.example.com'),
              groupsExt([0x2a2a, 29, 23, 24]),
              pointFormatsExt([0]),
              sigAlgsExt([0x0403, 0x0804, 0x0401]),
              alpnExt(['h2', 'http/1.1']),
              ext(0xfafa, Buffer.from([0])),
            ],
          }),
        ),
      ],
    ]).sink.tx;
    expect(greasy.ciphers).toContain(grease[0]);
    expect(greasy.ja3String?.toString()).toBe(plain.ja3String?.toString());
    expect(greasy.ja3Hash?.toString()).toBe(plain.ja3Hash?.toString());
    expect(greasy.ja4?.toString()).toBe(plain.ja4?.toString());
  });

  it('computes the FoxIO JA4 example from a ClientHello with the example lists', () => {
    // JA4.md: ciphers and extensions in their original order, signature algorithms,
    // ALPN h2, SNI, TLS 1.3 in supported_versions; plus GREASE to be ignored.
    const exts: Record<number, Buffer> = {
      0: sniExt('example.org'),
      16: alpnExt(['h2', 'http/1.1']),
      13: sigAlgsExt([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]),
      43: versionsExt([0x3a3a, 0x0304, 0x0303]),
      10: groupsExt([0x3a3a, 29, 23, 24]),
      11: pointFormatsExt([0]),
    };
    const order = [
      0x1a1a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01,
      0x000b, 0x000a, 0x0015, 0x4a4a,
    ];
    const ch = clientHello({
      ciphers: [
        0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
        0x002f, 0x0035,
      ],
      exts: order.map((t) => exts[t] ?? ext(t, Buffer.alloc(0))),
    });
    const { sink } = run([[TO_SERVER, hsRecord(ch)]]);
    expect(sink.events).toEqual([]);
    expect(sink.tx.ja4?.toString()).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
  });

  it('parses TLS 1.3: version from supported_versions, nothing parsed after the ServerHello', () => {
    const ch = clientHello({
      sessionId: Buffer.alloc(32, 7),
      ciphers: [0x1301, 0x1302, 0x1303],
      exts: [sniExt('tls13.example'), versionsExt([0x0304, 0x0303]), alpnExt(['h2'])],
    });
    const sh = serverHello({
      sessionId: Buffer.alloc(32, 7), // TLS 1.3 echoes the id for middlebox compatibility
      cipher: 0x1301,
      exts: [ext(43, u16(0x0304)), ext(51, Buffer.alloc(36, 1))],
    });
    const { sink } = run([
      [TO_SERVER, hsRecord(ch)],
      [TO_SERVER, ccsRecord()], // compatibility CCS right after the ClientHello
      [TO_CLIENT, cat(hsRecord(sh), ccsRecord(), appData(2000), appData(300))],
      [TO_SERVER, cat(ccsRecord(), appData(80), appData(200))],
    ]);
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(tx.version).toBe('TLS 1.3');
    expect(tx.serverVersion).toBe(0x0303);
    expect(tx.sessionResumed).toBe(false);
    expect(tx.serverCert).toBeUndefined();
    expect(tx.ja4?.toString()).toMatch(/^t13d0303h2_/);
    expect(tx.progress).toBe(TX_REQUEST_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_HEADERS | TX_RESPONSE_DONE);
    // done at the ServerHello, before any application data
    expect(sink.steps.map((s) => s.progress)).toEqual([
      TX_REQUEST_HEADERS,
      TX_REQUEST_HEADERS | TX_RESPONSE_HEADERS,
      TX_REQUEST_HEADERS | TX_RESPONSE_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_DONE,
    ]);
    const eve = expectValidEve(tx);
    expect(eve.version).toBe('TLS 1.3');
    expect(eve.subject).toBeUndefined();
  });

  it('follows a TLS 1.3 HelloRetryRequest to the second ServerHello', () => {
    const hrr = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
    const ch = clientHello({ ciphers: [0x1301], exts: [sniExt('a.example'), versionsExt([0x0304])] });
    const { sink } = run([
      [TO_SERVER, hsRecord(ch)],
      [
        TO_CLIENT,
        cat(hsRecord(serverHello({ random: hrr, cipher: 0x1301, exts: [ext(43, u16(0x0304))] })), ccsRecord()),
      ],
      [TO_SERVER, cat(ccsRecord(), hsRecord(clientHello({ ciphers: [0x1301], exts: [sniExt('b.example')] })))],
      [TO_CLIENT, cat(hsRecord(serverHello({ cipher: 0x1301, exts: [ext(43, u16(0x0304))] })), appData(100))],
    ]);
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(tx.helloRetryRequest).toBe(false);
    expect(tx.version).toBe('TLS 1.3');
    expect(tx.sni?.toString()).toBe('a.example'); // the first ClientHello's
    expect(tx.progress & TX_RESPONSE_DONE).toBe(TX_RESPONSE_DONE);
  });

  it('detects session resumption', () => {
    const sid = Buffer.alloc(32, 0x42);
    // session id echoed, no certificate
    const byId = run([
      [TO_SERVER, hsRecord(clientHello({ sessionId: sid }))],
      [TO_CLIENT, cat(hsRecord(serverHello({ sessionId: sid })), ccsRecord(), record(22, Buffer.alloc(40, 9)))],
      [TO_SERVER, cat(ccsRecord(), record(22, Buffer.alloc(40, 9)))],
    ]).sink.tx;
    expect(byId.sessionResumed).toBe(true);
    expect(expectValidEve(byId).session_resumed).toBe(true);
    // session ticket: new id from the server, but CCS without a certificate
    const byTicket = run([
      [TO_SERVER, hsRecord(clientHello({ exts: [ext(35, Buffer.alloc(100, 1))] }))],
      [
        TO_CLIENT,
        cat(hsRecord(serverHello({ sessionId: Buffer.alloc(32, 1), exts: [ext(35, Buffer.alloc(0))] })), ccsRecord()),
      ],
    ]).sink.tx;
    expect(byTicket.clientTicket).toBe(true);
    expect(byTicket.sessionResumed).toBe(true);
    // different session id and a certificate: a full handshake
    const full = run([
      [TO_SERVER, hsRecord(clientHello({ sessionId: sid }))],
      [TO_CLIENT, hsRecord(serverHello({ sessionId: Buffer.alloc(32, 1) }), certificateMsg([LEAF_DER]))],
      [TO_CLIENT, ccsRecord()],
    ]).sink.tx;
    expect(full.sessionResumed).toBe(false);
    // TLS 1.3 PSK
    const psk = run([
      [TO_SERVER, hsRecord(clientHello({ exts: [versionsExt([0x0304]), ext(41, Buffer.alloc(40, 3))] }))],
      [TO_CLIENT, hsRecord(serverHello({ exts: [ext(43, u16(0x0304)), ext(41, u16(0))] }))],
    ]).sink.tx;
    expect(psk.sessionResumed).toBe(true);
  });

  it('parses a client certificate into the EVE client object', () => {
    const { sink } = run([
      [TO_SERVER, hsRecord(clientHello())],
      [TO_CLIENT, hsRecord(serverHello(), certificateMsg([LEAF_DER]), handshake(13, Buffer.from([1, 1, 0, 0])))],
      [TO_SERVER, hsRecord(certificateMsg([CA_DER]), handshake(16, Buffer.alloc(66, 1)))],
    ]);
    expect(sink.events).toEqual([]);
    const eve = expectValidEve(sink.tx);
    expect(eve.client).toMatchObject({ subject: 'C=US, O=Example Trust, CN=Example Test CA', serial: '10:01' });
  });

  it('marks the transaction done at end() when the handshake stopped half way', () => {
    const { sink } = run([[TO_SERVER, hsRecord(clientHello())]]);
    expect(sink.tx.progress).toBe(TX_REQUEST_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_DONE);
    const eve = expectValidEve(sink.tx);
    expect(eve.version).toBe('UNDETERMINED');
    // a server alert ends it too, and gives the version from the record layer
    const { sink: s2 } = run([
      [TO_SERVER, hsRecord(clientHello())],
      [TO_CLIENT, record(21, Buffer.from([2, 40]), 0x0301)],
    ]);
    expect(s2.tx.progress & TX_RESPONSE_DONE).toBe(TX_RESPONSE_DONE);
    expect(s2.tx.version).toBe('TLSv1');
  });

  it('parses an SSL 2.0 CLIENT-HELLO and SERVER-HELLO', () => {
    const { sink } = run([
      [TO_SERVER, sslv2ClientHello(0x0002)],
      [TO_CLIENT, sslv2ServerHello(LEAF_DER)],
      [TO_SERVER, Buffer.from([0x80, 0x05, 2, 1, 2, 3, 4])],
    ]);
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(tx.clientVersion).toBe(2);
    expect(tx.ciphers).toEqual([0x010080, 0x0035]);
    expect(tx.version).toBe('SSLv2');
    expect(tx.certSubject?.toString()).toContain('CN=www.example.com');
    expectValidEve(tx);
    // a v2-compatible hello answered with TLS
    const { sink: s2 } = run([
      [TO_SERVER, sslv2ClientHello(0x0301)],
      [TO_CLIENT, hsRecord(serverHello({ version: 0x0301, cipher: 0x0035 }), certificateMsg([LEAF_DER]))],
      [TO_SERVER, cat(hsRecord(handshake(16, Buffer.alloc(40))), ccsRecord())],
    ]);
    expect(s2.events).toEqual([]);
    expect(s2.tx.version).toBe('TLSv1');
    expect(s2.tx.clientVersion).toBe(0x0301);
  });

  it('names versions as Suricata does', () => {
    expect(tlsVersionName(0x0300)).toBe('SSLv3');
    expect(tlsVersionName(0x0301)).toBe('TLSv1');
    expect(tlsVersionName(0x0302)).toBe('TLS 1.1');
    expect(tlsVersionName(0x0303)).toBe('TLS 1.2');
    expect(tlsVersionName(0x0304)).toBe('TLS 1.3');
    expect(tlsVersionName(0x7f1c)).toBe('TLS 1.3 draft-28');
    expect(tlsVersionName(0xfb17)).toBe('TLS 1.3 draft-23-fb');
    expect(tlsVersionName(0)).toBe('UNDETERMINED');
    expect(tlsVersionName(0x1234)).toBe('0x1234');
  });
});

function sslv2ClientHello(version: number): Buffer {
  const specs = Buffer.from([0x01, 0x00, 0x80, 0x00, 0x00, 0x35]);
  const challenge = Buffer.alloc(16, 0x33);
  const body = cat(u8(1), u16(version), u16(specs.length), u16(0), u16(challenge.length), specs, challenge);
  return cat(u16(0x8000 | body.length), body);
}

function sslv2ServerHello(cert: Buffer): Buffer {
  const specs = Buffer.from([0x01, 0x00, 0x80]);
  const connId = Buffer.alloc(16, 0x44);
  const body = cat(
    u8(4),
    u8(0),
    u8(1),
    u16(2),
    u16(cert.length),
    u16(specs.length),
    u16(connId.length),
    cert,
    specs,
    connId,
  );
  return cat(u16(0x8000 | body.length), body);
}

describe('tls malformed input', () => {
  it('never throws on truncated ClientHello bodies, and flags the bad length', () => {
    const body = clientHello().subarray(4);
    for (let n = 0; n < body.length; n++) {
      const msg = handshake(1, body.subarray(0, n));
      const { sink } = run([[TO_SERVER, hsRecord(msg)]]);
      if (n === 0 || n < body.length) {
        // Truncation inside the extensions block or before it is a length error;
        // a cut exactly after the compression methods is a valid extension-less hello.
        const valid = n === 45;
        expect(sink.events, `n=${n}`).toEqual(valid ? [] : ['tls.handshake_invalid_length']);
      }
      expectValidEve(sink.tx);
    }
  });

  it('never throws on truncated ServerHello / Certificate bodies', () => {
    for (const msg of [serverHello(), certificateMsg([LEAF_DER, CA_DER])]) {
      const body = msg.subarray(4);
      for (let n = 0; n < body.length; n++) {
        const { sink } = run([
          [TO_SERVER, hsRecord(clientHello())],
          [TO_CLIENT, hsRecord(handshake(msg[0]!, body.subarray(0, n)))],
        ]);
        const want =
          msg[0] === 11 ? ['tls.certificate_invalid_length'] : n === 38 ? [] : ['tls.handshake_invalid_length'];
        expect(sink.events, `type ${msg[0]} n=${n}`).toEqual(want);
        expectValidEve(sink.tx);
      }
    }
  });

  it('never throws on a stream cut at any byte, and reports nothing for a clean prefix', () => {
    const stream = Buffer.concat(fullHandshake12().map(([, b]) => b));
    for (let n = 0; n < stream.length; n += 7) {
      const { sink } = run([[TO_SERVER, stream.subarray(0, n)]], { end: false });
      // the client direction sees server records only through this odd feed: just no throw
      expect(Array.isArray(sink.events)).toBe(true);
    }
    const ch = hsRecord(clientHello());
    for (let n = 0; n < ch.length; n++) {
      const { sink } = run([[TO_SERVER, ch.subarray(0, n)]]);
      expect(sink.events).toEqual([]);
    }
  });

  it('survives random garbage and random corruption (no throw)', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const base = Buffer.concat(fullHandshake12().map(([, b]) => b));
    for (let i = 0; i < 400; i++) {
      const b = Buffer.from(base);
      const flips = 1 + (rnd() % 8);
      for (let k = 0; k < flips; k++) b[rnd() % b.length] = rnd() & 0xff;
      run(splitEvery([[(i & 1) as Direction, b]], 1 + (rnd() % 300)));
      const g = Buffer.alloc(rnd() % 600);
      for (let k = 0; k < g.length; k++) g[k] = rnd() & 0xff;
      run([[(i & 1) as Direction, g]]);
    }
  });

  it('reports record-layer errors and stops that direction', () => {
    const cases: Array<[Buffer, string]> = [
      [record(99, Buffer.alloc(4)), 'tls.invalid_record_type'],
      [record(22, Buffer.alloc(4), 0x0403), 'tls.invalid_record_version'],
      [record(22, Buffer.alloc(0)), 'tls.invalid_record_length'],
      [cat(u8(23), u16(0x0303), u16(0x4801)), 'tls.invalid_record_length'],
    ];
    for (const [bad, event] of cases) {
      const { sink } = run([[TO_SERVER, cat(hsRecord(clientHello()), bad, hsRecord(clientHello()))]]);
      expect(sink.events).toEqual([event]);
    }
    // zero-length application data is legal (RFC 5246 6.2.1)
    const { sink } = run([[TO_SERVER, cat(hsRecord(clientHello()), record(23, Buffer.alloc(0)), appData(5))]]);
    expect(sink.events).toEqual([]);
  });

  it('flags an unknown handshake type and a handshake message in the wrong direction', () => {
    const { sink } = run([[TO_SERVER, hsRecord(handshake(99, Buffer.alloc(10)))]]);
    expect(sink.events).toEqual(['tls.invalid_handshake_message']);
    const { sink: s2 } = run([[TO_CLIENT, hsRecord(clientHello())]]);
    expect(s2.events).toEqual(['tls.invalid_handshake_message']);
  });

  it('bounds handshake reassembly: a message over 64 KiB is skipped, not buffered', () => {
    const huge = cat(u8(11), u24(70000));
    const payload = Buffer.alloc(70000, 0x30);
    const records: Buffer[] = [hsRecord(huge)];
    for (let p = 0; p < payload.length; p += 16384) records.push(hsRecord(payload.subarray(p, p + 16384)));
    const { sink } = run([
      [TO_SERVER, hsRecord(clientHello())],
      [TO_CLIENT, cat(hsRecord(serverHello()), ...records, hsRecord(serverHelloDone()), ccsRecord())],
    ]);
    expect(sink.events).toEqual(['tls.handshake_invalid_length']);
    expect(sink.tx.serverCert).toBeUndefined();
    expect(sink.tx.sessionResumed).toBe(true); // CCS without a (parsed) certificate
  });

  it('reports SNI problems with Suricata event names', () => {
    const sni = (body: Buffer) => run([[TO_SERVER, hsRecord(clientHello({ exts: [ext(0, body)] }))]]).sink;
    expect(sni(vec16(cat(u8(1), vec16(Buffer.from('x.example'))))).events).toEqual(['tls.invalid_sni_type']);
    expect(sni(vec16(cat(u8(0), u16(0)))).events).toEqual(['tls.invalid_sni_length']);
    expect(sni(vec16(cat(u8(0), u16(300), Buffer.alloc(300, 0x61)))).events).toEqual(['tls.invalid_sni_length']);
    expect(sni(cat(u16(20), u8(0), u16(50), Buffer.from('short'))).events).toEqual(['tls.invalid_sni_length']);
    const twice = run([
      [TO_SERVER, hsRecord(clientHello({ exts: [sniExt('one.example'), sniExt('two.example')] }))],
    ]).sink;
    expect(twice.events).toEqual(['tls.multiple_sni_extensions']);
    expect(twice.tx.sni?.toString()).toBe('one.example');
  });

  it('reports bad certificates without throwing', () => {
    const corrupt = Buffer.from(LEAF_DER);
    corrupt[1] = 0x83; // impossible length
    const { sink } = run([[TO_CLIENT, hsRecord(serverHello(), certificateMsg([corrupt]))]]);
    expect(sink.events).toEqual(['tls.invalid_certificate']);
    expect(sink.tx.certFingerprint?.toString()).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    expect(sink.tx.certSubject).toBeUndefined();
    expectValidEve(sink.tx);
    // PEM text is not a DER certificate (X509Certificate alone would accept it)
    const pem = Buffer.from(`-----BEGIN CERTIFICATE-----\n${LEAF_DER.toString('base64')}\n-----END CERTIFICATE-----\n`);
    const { sink: sp } = run([[TO_CLIENT, hsRecord(serverHello(), certificateMsg([pem]))]]);
    expect(sp.events).toEqual(['tls.invalid_certificate']);
    expect(sp.tx.certSubject).toBeUndefined();
    // list length that does not match the message
    const bad = handshake(11, cat(u24(LEAF_DER.length + 10), u24(LEAF_DER.length), LEAF_DER));
    const { sink: s2 } = run([[TO_CLIENT, hsRecord(serverHello(), bad)]]);
    expect(s2.events).toEqual(['tls.certificate_invalid_length']);
    for (let n = 1; n < 40; n++) {
      const cut = LEAF_DER.subarray(0, n * 12);
      const { sink: s3 } = run([[TO_CLIENT, hsRecord(serverHello(), certificateMsg([cut]))]]);
      expect(s3.events).toEqual(['tls.invalid_certificate']);
    }
  });

  it('detects heartbleed-style heartbeats, in clear and encrypted', () => {
    // payload_length 0x4000 in a 19-byte record
    const { sink } = run([
      [TO_SERVER, hsRecord(clientHello())],
      [TO_SERVER, record(24, cat(u8(1), u16(0x4000), Buffer.alloc(16)))],
    ]);
    expect(sink.events).toEqual(['tls.heartbeat_message', 'tls.overflow_heartbeat_message']);
    const ok = run([[TO_SERVER, record(24, cat(u8(1), u16(4), Buffer.alloc(20)))]]).sink;
    expect(ok.events).toEqual(['tls.heartbeat_message']);
    const badType = run([[TO_SERVER, record(24, cat(u8(7), u16(4), Buffer.alloc(20)))]]).sink;
    expect(badType.events).toEqual(['tls.heartbeat_message', 'tls.invalid_heartbeat_message']);
    // after CCS: a response much bigger than the request
    const enc = run([
      ...fullHandshake12(),
      [TO_SERVER, record(24, Buffer.alloc(40, 1))],
      [TO_CLIENT, record(24, Buffer.alloc(16000, 1))],
    ]).sink;
    expect(enc.events).toEqual(['tls.heartbeat_message', 'tls.heartbeat_message', 'tls.dataleak_heartbeat_mismatch']);
  });

  it('keeps framing across a gap inside a record, and stops after a gap it cannot place', () => {
    const sink = new RecordingSink<TlsTx>('tls');
    const st = tlsParser.create(sink, null);
    const ch = hsRecord(clientHello());
    st.parse(TO_SERVER, ch, 0, ch.length, 0, 0);
    const app = appData(1000);
    st.parse(TO_SERVER, app, 0, 300, 0, 0);
    st.gap(TO_SERVER, 500); // inside the application data record
    st.parse(TO_SERVER, app, 800, app.length, 0, 0);
    const hb = record(24, cat(u8(1), u16(0x4000), Buffer.alloc(16)));
    st.parse(TO_SERVER, hb, 0, hb.length, 0, 0); // framing kept: the heartbeat is seen
    const seen = ['tls.heartbeat_message', 'tls.overflow_heartbeat_message'];
    expect(sink.events).toEqual(seen);
    st.gap(TO_SERVER, 10); // at a record boundary: framing lost
    st.parse(TO_SERVER, hb, 0, hb.length, 0, 0);
    expect(sink.events).toEqual(seen);
    // a gap inside a handshake record stops handshake parsing only
    const s2 = new RecordingSink<TlsTx>('tls');
    const st2 = tlsParser.create(s2, null);
    const rec = hsRecord(serverHello(), certificateMsg([LEAF_DER]));
    st2.parse(TO_CLIENT, rec, 0, 20, 0, 0);
    st2.gap(TO_CLIENT, 30);
    st2.parse(TO_CLIENT, rec, 50, rec.length, 0, 0);
    st2.parse(TO_CLIENT, ccsRecord(), 0, 6, 0, 0);
    st2.end();
    expect(s2.events).toEqual([]);
    expect(s2.txs).toEqual([]);
  });

  it('lists every event it can raise with a tls. prefix', () => {
    for (const e of TLS_EVENTS) expect(e).toMatch(/^tls\.[a-z0-9_]+$/);
  });
});

// ---------------------------------------------------------------------------------------
// Real capture

interface Seg {
  dir: Direction;
  seq: number;
  data: Buffer;
}

/** TCP payloads of the one connection to `serverPort`, in capture order. */
function tcpSegments(path: string, serverPort: number): Seg[] {
  const r = openCaptureFile(path);
  const out: Seg[] = [];
  try {
    while (r.next()) {
      const p = decodeFrame(Buffer.from(r.data.subarray(r.start, r.start + r.caplen)), r.linkType);
      if (p.ipProto !== 6 || p.payloadLen <= 0) continue;
      const dir = p.dstPort === serverPort ? TO_SERVER : TO_CLIENT;
      out.push({ dir, seq: p.tcpSeq, data: Buffer.from(p.data.subarray(p.payloadOff, p.payloadOff + p.payloadLen)) });
    }
  } finally {
    r.close();
  }
  return out;
}

describe('tls on zeek-tls1.2.pcap', () => {
  const segs = tcpSegments(join(SHARED, 'captures-corpus/pcaps/zeek-tls1.2.pcap'), 443);

  it('parses the real handshake segment by segment', () => {
    const { sink } = run(segs.map((s) => [s.dir, s.data] as Chunk));
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    const eve = expectValidEve(tx);
    expect(eve).toMatchObject(ZEEK_TLS12_EXPECTED);
    expect(tx.sni).toBeUndefined(); // this client sent no server_name (JA4 "i")
    expect(tx.progress).toBe(TX_REQUEST_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_HEADERS | TX_RESPONSE_DONE);
  });

  it('gives the same result with the streams cut differently', () => {
    const ts = Buffer.concat(segs.filter((s) => s.dir === TO_SERVER).map((s) => s.data));
    const tc = Buffer.concat(segs.filter((s) => s.dir === TO_CLIENT).map((s) => s.data));
    const want = JSON.stringify(run(segs.map((s) => [s.dir, s.data] as Chunk)).sink.tx.toEve());
    for (const step of [1, 100, 1000, 5000]) {
      const { sink } = run(
        splitEvery(
          [
            [TO_SERVER, ts.subarray(0, 322)],
            [TO_CLIENT, tc],
            [TO_SERVER, ts.subarray(322)],
          ],
          step,
        ),
      );
      expect(JSON.stringify(sink.tx.toEve())).toBe(want);
    }
  });
});

// Checked against `openssl x509 -inform der` on the certificate carried in the capture,
// and JA3/JA4 against an independent computation over the same ClientHello bytes.
const ZEEK_TLS12_EXPECTED: Record<string, unknown> = {
  subject:
    'C=US, postalCode=94568, ST=CA, L=Dublin, street=Suite 400, street=4140 Dublin Boulevard, O=Taleo Inc., ' +
    'OU=Web, OU=Comodo PremiumSSL Wildcard, CN=*.taleo.net',
  issuerdn: 'C=GB, ST=Greater Manchester, L=Salford, O=COMODO CA Limited, CN=COMODO High-Assurance Secure Server CA',
  serial: '00:99:FA:A8:03:7A:4E:B2:FA:EF:84:EB:5E:55:D5:B8:C8',
  fingerprint: '33:67:a1:82:4a:60:13:c0:2a:3e:25:bb:e4:da:86:33:87:fa:f1:34',
  notbefore: '2011-05-04T00:00:00',
  notafter: '2016-07-04T23:59:59',
  subjectaltname: ['*.taleo.net', 'taleo.net'],
  version: 'TLS 1.2',
  ja3: { hash: 'bd9c99b3a0f752c3ab8b052a79e9de3e' },
  ja3s: { hash: 'c253ec3ad88e42f8da4032682892f9a0', string: '771,4,65281' },
  ja4: 't12i800500_15c493246000_3eafcbe19126',
  server_handshake: { version: 'TLS 1.2', cipher: 4, exts: [65281] },
};

describe('tls fields read on demand', () => {
  /** Feed every chunk from one scratch buffer that is overwritten after each call. */
  function runReused(chunks: Chunk[]) {
    const sink = new RecordingSink<TlsTx>('tls');
    const st = tlsParser.create(sink, { flow: 1 });
    const scratch = Buffer.alloc(64 * 1024);
    for (const [dir, b] of chunks) {
      b.copy(scratch, 7);
      st.parse(dir, scratch, 7, 7 + b.length, 0, 0);
      scratch.fill(0xa5);
    }
    st.end();
    return sink;
  }

  it('reads lists, fingerprints and certificates from its own copy: the input buffer may be reused', () => {
    const reference = run(fullHandshake12()).sink.tx;
    const want = JSON.stringify(reference.toEve());
    const sink = runReused(fullHandshake12());
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(JSON.stringify(tx.toEve())).toBe(want);
    for (const step of [1, 5, 64]) expect(JSON.stringify(runReused(splitEvery(fullHandshake12(), step)).tx.toEve())).toBe(want);
    expect(tx.clientSessionId?.length).toBe(0);
    expect(tx.serverSessionId?.length).toBe(0);
    expect(tx.compressionMethods).toEqual([0]);
    expect(tx.groups).toEqual([29, 23, 24]);
    expect(tx.pointFormats).toEqual([0]);
    expect(tx.sigAlgs).toEqual([0x0403, 0x0804, 0x0401]);
    expect(tx.clientSupportedVersions).toEqual([]);
    expect(tx.serverExtensions).toEqual([0xff01, 16]);
    expect(tx.certChainLen).toBe(2);
  });

  it('gives the same values whichever is asked for first, and the same objects when asked again', () => {
    const a = run(fullHandshake12()).sink.tx;
    const b = run(fullHandshake12()).sink.tx;
    // a: fingerprints first; b: lists first, then EVE.
    const ja4 = a.ja4?.toString();
    const ja3 = a.ja3Hash?.toString();
    const ja3s = a.ja3sHash?.toString();
    expect(b.ciphers).toEqual([0xc02f, 0xc030, 0x009c]);
    expect(b.extensions).toEqual([0, 10, 11, 13, 16]);
    const eve = b.toEve();
    expect(eve.ja4).toBe(ja4);
    expect((eve.ja3 as { hash: string }).hash).toBe(ja3);
    expect((eve.ja3s as { hash: string }).hash).toBe(ja3s);
    expect(a.ja3Hash?.toString()).toBe(createHash('md5').update(a.ja3String!).digest('hex'));
    expect(a.ja3sHash?.toString()).toBe(createHash('md5').update(a.ja3sString!).digest('hex'));
    expect(a.ciphers).toBe(a.ciphers);
    expect(a.sni).toBe(a.sni);
    expect(a.ja4).toBe(a.ja4);
    expect(a.certSubject).toBe(a.certSubject);
    expect(JSON.stringify(a.toEve())).toBe(JSON.stringify(eve));
  });

  it('keeps the JA3S of a HelloRetryRequest when the ServerHello after it is cut short', () => {
    const hrr = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
    const ch = clientHello({ ciphers: [0x1301, 0x1302], exts: [sniExt('a.example'), versionsExt([0x0304])] });
    // version, random, empty session id, cipher 0x1302, compression, then an extensions
    // block claiming 16 bytes that are not there.
    const cutHello = handshake(2, cat(u16(0x0303), Buffer.alloc(32, 0x22), u8(0), u16(0x1302), u8(0), u16(16)));
    for (const early of [false, true]) {
      const sink = new RecordingSink<TlsTx>('tls');
      const st = tlsParser.create(sink, {});
      const feed = (dir: Direction, b: Buffer) => st.parse(dir, b, 0, b.length, 0, 0);
      feed(TO_SERVER, hsRecord(ch));
      feed(TO_CLIENT, hsRecord(serverHello({ random: hrr, cipher: 0x1301, exts: [ext(43, u16(0x0304))] })));
      const tx = sink.tx;
      // Asked for before the next ServerHello, or only after it: the same answer.
      if (early) expect(tx.ja3sString?.toString()).toBe('771,4865,43');
      feed(TO_CLIENT, hsRecord(cutHello));
      expect(sink.events).toEqual(['tls.handshake_invalid_length']);
      expect(tx.cipher).toBe(0x1302);
      expect(tx.serverExtensions).toEqual([]);
      expect(tx.ja3sString?.toString()).toBe('771,4865,43');
      expect(tx.ja3sHash?.toString()).toBe(createHash('md5').update('771,4865,43').digest('hex'));
    }
  });

  it('replaces the JA3S and server lists with those of the ServerHello after a HelloRetryRequest', () => {
    const hrr = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
    const ch = clientHello({ ciphers: [0x1301, 0x1302], exts: [sniExt('a.example'), versionsExt([0x0304])] });
    for (const early of [false, true]) {
      const sink = new RecordingSink<TlsTx>('tls');
      const st = tlsParser.create(sink, {});
      const feed = (dir: Direction, b: Buffer) => st.parse(dir, b, 0, b.length, 0, 0);
      feed(TO_SERVER, hsRecord(ch));
      feed(TO_CLIENT, hsRecord(serverHello({ random: hrr, cipher: 0x1301, exts: [ext(43, u16(0x0304))] })));
      const tx = sink.tx;
      if (early) {
        expect(tx.ja3sString?.toString()).toBe('771,4865,43');
        expect(tx.serverExtensions).toEqual([43]);
      }
      feed(TO_CLIENT, hsRecord(serverHello({ cipher: 0x1302, exts: [ext(43, u16(0x0304)), alpnExt(['h2'])] })));
      expect(sink.events).toEqual([]);
      expect(tx.serverExtensions).toEqual([43, 16]);
      expect(tx.serverAlpns.map(String)).toEqual(['h2']);
      expect(tx.ja3sString?.toString()).toBe('771,4866,43-16');
    }
  });

  it('adds up the lists of a ClientHello with legacy_version 0 and the one after it, as it always did', () => {
    const ch0 = clientHello({ version: 0, ciphers: [0x0a0a, 0x1301], exts: [sniExt('one.example'), groupsExt([29])] });
    const ch1 = clientHello({ ciphers: [0x1302], exts: [sniExt('two.example'), groupsExt([23])] });
    for (const early of [false, true]) {
      const sink = new RecordingSink<TlsTx>('tls');
      const st = tlsParser.create(sink, {});
      const feed = (dir: Direction, b: Buffer) => st.parse(dir, b, 0, b.length, 0, 0);
      feed(TO_SERVER, hsRecord(ch0));
      const tx = sink.tx;
      if (early) expect(tx.ja3String?.toString()).toBe('0,4865,0-10,29,');
      feed(TO_SERVER, hsRecord(ch1));
      expect(sink.events).toEqual(['tls.multiple_sni_extensions']);
      expect(tx.clientVersion).toBe(0x0303);
      expect(tx.sni?.toString()).toBe('one.example');
      expect(tx.ciphers).toEqual([0x0a0a, 0x1301, 0x1302]);
      expect(tx.extensions).toEqual([0, 10, 0, 10]);
      expect(tx.groups).toEqual([29, 23]);
      expect(tx.ja3String?.toString()).toBe('771,4865-4866,0-10-0-10,29-23,');
    }
    // When the second one is cut short, the fingerprint stays the first one's.
    for (const early of [false, true]) {
      const sink = new RecordingSink<TlsTx>('tls');
      const st = tlsParser.create(sink, {});
      const feed = (dir: Direction, b: Buffer) => st.parse(dir, b, 0, b.length, 0, 0);
      feed(TO_SERVER, hsRecord(ch0));
      const tx = sink.tx;
      const ja4 = early ? tx.ja4?.toString() : undefined;
      // version, random, empty session id, one cipher, then nothing where compression goes
      feed(TO_SERVER, hsRecord(handshake(1, cat(u16(0x0303), Buffer.alloc(32, 0x11), u8(0), u16(2), u16(0x1302)))));
      expect(sink.events).toEqual(['tls.handshake_invalid_length']);
      expect(tx.ciphers).toEqual([0x0a0a, 0x1301, 0x1302]);
      expect(tx.ja3String?.toString()).toBe('0,4865,0-10,29,');
      expect(tx.ja4?.toString()).toMatch(/^t00d0102/);
      if (early) expect(tx.ja4?.toString()).toBe(ja4);
    }
  });

  it('reads the cipher specs of an SSL 2.0 CLIENT-HELLO on demand', () => {
    const { sink } = run([[TO_SERVER, sslv2ClientHello(0x0301)]]);
    const tx = sink.tx;
    expect(tx.clientVersion).toBe(0x0301);
    expect(tx.ciphers.length).toBeGreaterThan(0);
    expect(tx.ja3String).toBeUndefined();
    expect(tx.ja4).toBeUndefined();
  });
});
