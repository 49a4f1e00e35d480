// Traffic builders for the bundled-signature tests: each returns a Traffic, a function that lays
// one small exchange between a client and a server address (given by the test, so that every
// exchange has addresses of its own) out as pcap records. Built on test/helpers/conversation.ts.

import type { PcapRecord } from '../capture/build.js';
import { ipv4Frame, TCP, TcpConversation, udpFrame } from '../helpers/conversation.js';

/** Packet time of the first packet of every exchange (µs since the epoch). */
export const T0 = 1_700_000_000_000_000;

/** Lays an exchange out between `client` and `server` (ports are the builder's). */
export type Traffic = (client: string, server: string) => PcapRecord[];

/**
 * One step of a TCP exchange: data from the client ('c') or the server ('s'), sent as one
 * segment, or cut at the given offsets into several segments (each acknowledged).
 */
export type Step = readonly ['c' | 's', string | Buffer] | readonly ['c' | 's', string | Buffer, readonly number[]];

let nextClientPort = 40000;
function clientPort(): number {
  nextClientPort = nextClientPort >= 65000 ? 40000 : nextClientPort + 1;
  return nextClientPort;
}

/** A TCP connection to `port`: handshake, the steps (each acknowledged), FIN teardown. */
export function tcp(port: number, steps: readonly Step[]): Traffic {
  return (client, server) => {
    const conv = new TcpConversation({ ip: client, port: clientPort() }, { ip: server, port });
    conv.t = T0;
    conv.handshake();
    for (const [who, data, cuts = []] of steps) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      const at = [0, ...cuts, bytes.length];
      for (let i = 0; i + 1 < at.length; i++) conv.send(who === 'c', bytes.subarray(at[i], at[i + 1]));
    }
    conv.close();
    return conv.records;
  };
}

/** Client data only. */
export const tcpClient = (port: number, ...data: (string | Buffer)[]): Traffic =>
  tcp(
    port,
    data.map((d) => ['c', d] as const),
  );

/** A lone SYN to `port`, answered by RST/ACK. */
export function syn(port: number): Traffic {
  return (client, server) => {
    const conv = new TcpConversation({ ip: client, port: clientPort() }, { ip: server, port });
    conv.t = T0;
    conv.segment(true, TCP.SYN);
    conv.segment(false, TCP.RST | TCP.ACK);
    return conv.records;
  };
}

/** UDP datagrams from the client to `port`, 1 ms apart, each from a new source port. */
export function udp(port: number, payloads: readonly Buffer[]): Traffic {
  return (client, server) =>
    payloads.map((p, i) => {
      const t = T0 + i * 1000;
      const data = udpFrame({ ip: client, port: clientPort() }, { ip: server, port }, p);
      return { data, sec: Math.floor(t / 1e6), frac: t % 1e6 };
    });
}

/** The same exchange with every frame tagged 802.1Q `vid` (a VLAN-tagged mirror port). */
export function vlan(vid: number, inner: Traffic): Traffic {
  return (client, server) =>
    inner(client, server).map((r) => {
      const tag = Buffer.from([0x81, 0x00, vid >> 8, vid & 0xff]);
      return { ...r, data: Buffer.concat([r.data.subarray(0, 12), tag, r.data.subarray(12)]) };
    });
}

/** The same exchange carried in VXLAN (VNI `vni`) between two hypervisor VTEPs. */
export function vxlan(vni: number, inner: Traffic): Traffic {
  const vtepA = { ip: '192.168.50.1', port: 49152, mac: '02:00:00:00:50:01' };
  const vtepB = { ip: '192.168.50.2', port: 4789, mac: '02:00:00:00:50:02' };
  return (client, server) =>
    inner(client, server).map((r) => {
      const header = Buffer.from([0x08, 0, 0, 0, (vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff, 0]);
      const payload = Buffer.concat([header, r.data]);
      const udpHeader = Buffer.alloc(8);
      udpHeader.writeUInt16BE(vtepA.port, 0);
      udpHeader.writeUInt16BE(vtepB.port, 2);
      udpHeader.writeUInt16BE(8 + payload.length, 4);
      return { ...r, data: ipv4Frame(vtepA, vtepB, 17, udpHeader, payload) };
    });
}

/** Several exchanges from the same client to the same server, laid out together. */
export function all(...parts: Traffic[]): Traffic {
  return (client, server) => parts.flatMap((p) => p(client, server));
}

// ---------------------------------------------------------------------------------------------
// HTTP

const HTTP_OK = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok';

export interface HttpRequest {
  method?: string;
  /** Request-target as sent (raw). */
  uri: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Defaults to HTTP/1.1. */
  version?: string;
}

/** The bytes of an HTTP request (Host and a browser User-Agent unless given). */
export function httpRequestBytes(r: HttpRequest): Buffer {
  const headers: Record<string, string> = {
    Host: 'app.lab.local',
    'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
    Accept: '*/*',
    ...r.headers,
  };
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  if (body.length > 0 && headers['Content-Length'] === undefined) headers['Content-Length'] = String(body.length);
  let head = `${r.method ?? 'GET'} ${r.uri} ${r.version ?? 'HTTP/1.1'}\r\n`;
  for (const [k, v] of Object.entries(headers)) if (v !== '') head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}

/** One HTTP request (and a 200 response) on `port` (80 unless given). */
export function http(r: HttpRequest, port = 80): Traffic {
  return tcp(port, [
    ['c', httpRequestBytes(r)],
    ['s', HTTP_OK],
  ]);
}

/** Several requests on one keep-alive connection, each answered. */
export function httpSession(reqs: readonly HttpRequest[], port = 80): Traffic {
  return tcp(
    port,
    reqs.flatMap((r) => [['c', httpRequestBytes(r)] as const, ['s', HTTP_OK] as const]),
  );
}

/** GET `uri` with these headers. */
export const get = (uri: string, headers: Record<string, string> = {}, port = 80): Traffic =>
  http({ uri, headers }, port);

/** POST `body` to `uri`. */
export const post = (
  uri: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  port = 80,
): Traffic => http({ method: 'POST', uri, body, headers }, port);

/** GET / with this User-Agent (and the path given). */
export const userAgent = (ua: string, uri = '/'): Traffic => get(uri, { 'User-Agent': ua });

// ---------------------------------------------------------------------------------------------
// DNS

/** A DNS query message (RD set) for `name` of type `qtype` (1 = A). */
export function dnsQuery(name: string, qtype = 1, id = 0x1234): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const labels = name
    .split('.')
    .filter((l) => l !== '')
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(qtype, 1);
  tail.writeUInt16BE(1, 3);
  return Buffer.concat([header, ...labels, tail]);
}

/** Queries over UDP to port 53, one datagram (and source port) each. */
export const dns = (names: readonly string[], qtype = 1): Traffic =>
  udp(
    53,
    names.map((n, i) => dnsQuery(n, qtype, 0x1000 + i)),
  );

/** Queries over TCP to port 53 (RFC 1035 4.2.2: each message after a two-byte length). */
export const dnsTcp = (names: readonly string[], qtype = 1): Traffic =>
  tcpClient(
    53,
    ...names.map((n, i) => {
      const q = dnsQuery(n, qtype, 0x2000 + i);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      return Buffer.concat([len, q]);
    }),
  );

/** `n` query names made by `make(i)`. */
export const names = (n: number, make: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => make(i));

// ---------------------------------------------------------------------------------------------
// TLS (RFC 8446 / 5246 record and handshake framing)

const u8 = (v: number) => Buffer.from([v & 0xff]);
const u16 = (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const u24 = (v: number) => Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
const cat = (...parts: Buffer[]) => Buffer.concat(parts);
const vec8 = (b: Buffer) => cat(u8(b.length), b);
const vec16 = (b: Buffer) => cat(u16(b.length), b);
const ext = (type: number, body: Buffer) => cat(u16(type), vec16(body));
const handshake = (type: number, body: Buffer) => cat(u8(type), u24(body.length), body);
const record = (type: number, body: Buffer) => cat(u8(type), u16(0x0303), u16(body.length), body);

function clientHello(sni: string | null): Buffer {
  const exts = [
    ...(sni === null ? [] : [ext(0, vec16(cat(u8(0), vec16(Buffer.from(sni)))))]),
    ext(10, vec16(cat(u16(29), u16(23)))),
    ext(11, vec8(Buffer.from([0]))),
    ext(13, vec16(cat(u16(0x0403), u16(0x0804)))),
  ];
  const body = cat(
    u16(0x0303),
    Buffer.alloc(32, 0x11),
    vec8(Buffer.alloc(0)),
    vec16(cat(u16(0xc02f), u16(0xc030))),
    vec8(Buffer.from([0])),
    vec16(Buffer.concat(exts)),
  );
  return record(22, handshake(1, body));
}

function serverFlight(certs: readonly Buffer[]): Buffer {
  const hello = handshake(
    2,
    cat(u16(0x0303), Buffer.alloc(32, 0x22), vec8(Buffer.alloc(0)), u16(0xc02f), u8(0), vec16(ext(0xff01, vec8(Buffer.alloc(0))))),
  );
  const list = Buffer.concat(certs.map((d) => cat(u24(d.length), d)));
  const certificate = handshake(11, cat(u24(list.length), list));
  return record(22, cat(hello, certificate, handshake(14, Buffer.alloc(0))));
}

/** A TLS 1.2 handshake start: ClientHello (with SNI unless null), ServerHello + Certificate. */
export function tls(sni: string | null, certs: readonly Buffer[] = [], port = 443): Traffic {
  return tcp(port, [
    ['c', clientHello(sni)],
    ['s', serverFlight(certs)],
  ]);
}

// ---------------------------------------------------------------------------------------------
// SMB2 (MS-SMB2) and DCE/RPC (C706)

export const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');

let smbMessageId = 0x20;

/** NetBIOS session header + SMB2 request header for `command` + body. */
export function smb2(command: number, body: Buffer): Buffer {
  const header = Buffer.alloc(64);
  header.write('\xfeSMB', 0, 'latin1');
  header.writeUInt16LE(64, 4);
  header.writeUInt16LE(command, 12);
  header.writeUInt16LE(1, 14);
  header.writeUInt32LE(smbMessageId++, 24);
  header.writeUInt32LE(0xfeff, 32); // process id
  header.writeUInt32LE(1, 36); // tree id
  const msg = cat(header, body);
  const nb = Buffer.alloc(4);
  nb.writeUInt32BE(msg.length);
  return cat(nb, msg);
}

/** SMB2 TREE_CONNECT request for a UNC path such as \\host\share. */
export function smb2TreeConnect(path: string): Buffer {
  const p = utf16(path);
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(9, 0);
  fixed.writeUInt16LE(64 + 8, 4);
  fixed.writeUInt16LE(p.length, 6);
  return smb2(3, cat(fixed, p));
}

/** SMB2 CREATE request for a file or pipe name (relative to the share). */
export function smb2Create(name: string): Buffer {
  const n = utf16(name);
  const fixed = Buffer.alloc(56);
  fixed.writeUInt16LE(57, 0);
  fixed.writeUInt32LE(2, 4); // impersonation
  fixed.writeUInt32LE(0x0012019f, 24); // desired access
  fixed.writeUInt32LE(7, 32); // share access
  fixed.writeUInt32LE(1, 36); // FILE_OPEN
  fixed.writeUInt16LE(64 + 56, 44);
  fixed.writeUInt16LE(n.length, 46);
  return smb2(5, cat(fixed, n));
}

/** SMB2 WRITE request carrying `data` (e.g. a DCE/RPC PDU on a named pipe). */
export function smb2Write(data: Buffer): Buffer {
  const fixed = Buffer.alloc(48);
  fixed.writeUInt16LE(49, 0);
  fixed.writeUInt16LE(64 + 48, 2);
  fixed.writeUInt32LE(data.length, 4);
  fixed.fill(0x11, 16, 32); // file id
  return smb2(9, cat(fixed, data));
}

/** A GUID in its DCE/RPC (little-endian) wire form. */
export function uuid(text: string): Buffer {
  const h = text.replace(/-/g, '');
  const b = Buffer.from(h, 'hex');
  return cat(
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  );
}

const NDR = uuid('8a885d04-1ceb-11c9-9fe8-08002b104860');

function rpcHeader(ptype: number, body: Buffer, callId: number): Buffer {
  const h = Buffer.alloc(16);
  h[0] = 5;
  h[2] = ptype;
  h[3] = 0x03;
  h.writeUInt32LE(0x10, 4); // data representation: little endian, ASCII, IEEE
  h.writeUInt16LE(16 + body.length, 8);
  h.writeUInt32LE(callId, 12);
  return cat(h, body);
}

/** DCE/RPC bind PDU for one interface (version `major`), NDR transfer syntax. */
export function rpcBind(iface: string, major = 1, callId = 1): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt16LE(4280, 0);
  body.writeUInt16LE(4280, 2);
  body[8] = 1; // one context
  const ctx = cat(Buffer.from([0, 0, 1, 0]), uuid(iface), u16le(major), u16le(0), NDR, u16le(2), u16le(0));
  return rpcHeader(11, cat(body, ctx), callId);
}

/** DCE/RPC request PDU for `opnum` with a stub. */
export function rpcRequest(opnum: number, stub: Buffer, callId = 2): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32LE(stub.length, 0);
  body.writeUInt16LE(0, 4);
  body.writeUInt16LE(opnum, 6);
  return rpcHeader(0, cat(body, stub), callId);
}

function u16le(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}

export const IFACE = {
  svcctl: '367abb81-9844-35f1-ad32-98f038001003',
  systemActivator: '000001a0-0000-0000-c000-000000000046',
  epm: 'e1af8308-5d1f-11c9-91a4-08002b14a0fa',
  wbemLevel1Login: 'f309ad18-d86a-11d0-a075-00c04fb68820',
  drsuapi: 'e3514235-4b06-11d1-ab04-00c04fc2dcd2',
  lsarpc: '12345778-1234-abcd-ef00-0123456789ab',
} as const;

// ---------------------------------------------------------------------------------------------
// Binary helpers

/** Bytes from a hex string (spaces allowed). */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** `n` copies of one buffer. */
export const times = (n: number, b: Buffer): Buffer[] => Array.from({ length: n }, () => b);
