// Builds TCP and UDP conversations between two VMs as pcap files, for flow and
// app-layer tests that replay them through `vsids replay` as a user would.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PcapRecord, pcapFile } from '../capture/build.js';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;

export interface Endpoint {
  ip: string;
  port: number;
  mac?: string;
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function ipChecksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

let ipId = 1;

/** Ethernet (+ optional 802.1Q) + IPv4 + transport header + payload. */
export function ipv4Frame(
  src: Endpoint,
  dst: Endpoint,
  proto: 6 | 17,
  transport: Buffer,
  payload: Buffer,
  vlan?: number,
  ttl = 64,
): Buffer {
  const eth = Buffer.alloc(vlan !== undefined ? 18 : 14);
  Buffer.from((dst.mac ?? '52:54:00:00:00:02').split(':').map((h) => Number.parseInt(h, 16))).copy(eth, 0);
  Buffer.from((src.mac ?? '52:54:00:00:00:01').split(':').map((h) => Number.parseInt(h, 16))).copy(eth, 6);
  if (vlan !== undefined) {
    eth.writeUInt16BE(0x8100, 12);
    eth.writeUInt16BE(vlan, 14);
    eth.writeUInt16BE(0x0800, 16);
  } else eth.writeUInt16BE(0x0800, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + transport.length + payload.length, 2);
  ip.writeUInt16BE(ipId++ & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6);
  ip[8] = ttl;
  ip[9] = proto;
  ipv4Bytes(src.ip).copy(ip, 12);
  ipv4Bytes(dst.ip).copy(ip, 16);
  ip.writeUInt16BE(ipChecksum(ip), 10);
  return Buffer.concat([eth, ip, transport, payload]);
}

/** A TCP connection; sequence numbers advance as segments are added. */
export class TcpConversation {
  readonly records: PcapRecord[] = [];
  /** Packet time in microseconds since the epoch. */
  t = 1_700_000_000_000_000;
  cseq = 1000;
  sseq = 5000;
  vlan: number | undefined;

  constructor(
    readonly client: Endpoint,
    readonly server: Endpoint,
  ) {}

  /** Advance packet time. */
  wait(ms: number): this {
    this.t += Math.round(ms * 1000);
    return this;
  }

  /** One segment from the client (toServer) or server, with explicit flags/seq if given. */
  segment(toServer: boolean, flags: number, payload: Buffer = Buffer.alloc(0), seq?: number, record = true): Buffer {
    const src = toServer ? this.client : this.server;
    const dst = toServer ? this.server : this.client;
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(src.port, 0);
    tcp.writeUInt16BE(dst.port, 2);
    const s = seq ?? (toServer ? this.cseq : this.sseq);
    tcp.writeUInt32BE(s >>> 0, 4);
    tcp.writeUInt32BE((toServer ? this.sseq : this.cseq) >>> 0, 8);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    tcp.writeUInt16BE(65535, 14);
    const frame = ipv4Frame(src, dst, 6, tcp, payload, this.vlan);
    if (record) this.push(frame);
    if (seq === undefined) {
      const advance = payload.length + (flags & (SYN | FIN) ? 1 : 0);
      if (toServer) this.cseq = (this.cseq + advance) >>> 0;
      else this.sseq = (this.sseq + advance) >>> 0;
    }
    this.wait(1);
    return frame;
  }

  push(frame: Buffer): this {
    this.records.push({ data: frame, sec: Math.floor(this.t / 1e6), frac: this.t % 1e6 });
    return this;
  }

  handshake(): this {
    this.segment(true, SYN);
    this.segment(false, SYN | ACK);
    this.segment(true, ACK);
    return this;
  }

  send(toServer: boolean, data: string | Buffer): this {
    this.segment(toServer, PSH | ACK, Buffer.isBuffer(data) ? data : Buffer.from(data));
    this.segment(!toServer, ACK);
    return this;
  }

  /** FIN from the client, FIN/ACK from the server, last ACK. */
  close(): this {
    this.segment(true, FIN | ACK);
    this.segment(false, FIN | ACK);
    this.segment(true, ACK);
    return this;
  }

  reset(toServer: boolean): this {
    this.segment(toServer, RST | ACK);
    return this;
  }
}

/** A UDP datagram frame. */
export function udpFrame(src: Endpoint, dst: Endpoint, payload: Buffer, vlan?: number): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(src.port, 0);
  udp.writeUInt16BE(dst.port, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  return ipv4Frame(src, dst, 17, udp, payload, vlan);
}

/** Write records (sorted by time) as a pcap file in `dir`; returns its path. */
export function writePcap(dir: string, name: string, records: PcapRecord[]): string {
  const sorted = [...records].sort((a, b) => a.sec - b.sec || a.frac - b.frac);
  const path = join(dir, name);
  writeFileSync(path, pcapFile(sorted));
  return path;
}

export const TCP = { FIN, SYN, RST, PSH, ACK };
