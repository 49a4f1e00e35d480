// DHCP: Dynamic Host Configuration Protocol (IPv4) over BOOTP.
// RFC 2131 §2 (message format), RFC 2132 (options), RFC 951 (BOOTP).
// https://www.rfc-editor.org/rfc/rfc2131#section-2
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------+---------------+---------------+---------------+
//  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |   0
//  +---------------+---------------+---------------+---------------+
//  |                            xid (4)                            |   4
//  +-------------------------------+-------------------------------+
//  |           secs (2)            |           flags (2)           |   8
//  +-------------------------------+-------------------------------+
//  |                          ciaddr  (4)                          |  12 client's own address
//  |                          yiaddr  (4)                          |  16 "your" (assigned) address
//  |                          siaddr  (4)                          |  20 next server (TFTP)
//  |                          giaddr  (4)                          |  24 relay agent
//  |                          chaddr  (16)                         |  28 client hardware address
//  |                          sname   (64)                         |  44 server host name
//  |                          file    (128)                        | 108 boot file name
//  |               magic cookie 99.130.83.99 (4)                   | 236
//  |                          options (variable)                   | 240 code, length, value...
//  +---------------------------------------------------------------+
//
// One message, one transaction (Suricata's DHCP is stateless too): every message is complete
// when it arrives. Whether it is a request or a reply is the `op` field, not the flow direction:
// a DISCOVER from 0.0.0.0 and the OFFER to it are usually different flows. Event names are
// Suricata's (rules/dhcp-events.rules), plus `dhcp.truncated_header` (vsids) for a datagram
// too short for the fixed BOOTP header, which Suricata drops without an event.

import { formatIpv4, formatMac } from '../core/addr.js';
import { u16be, u32be } from '../core/bytes.js';
import {
  type AppParser,
  type AppParserState,
  type AppSink,
  type AppTx,
  type Direction,
  PROBE_NO,
  PROBE_YES,
  type ProbeResult,
  TX_REQUEST_DONE,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from './types.js';

/** Every anomaly this file raises, as `sink.anomaly(flow, 'dhcp', name)`. */
export const DHCP_EVENTS = {
  /** An option's length is wrong for its code (message type not 1 byte, an address not 4...). */
  malformedOptions: 'dhcp.malformed_options',
  /** The options run past the end of the datagram (a length byte or the value is missing). */
  truncatedOptions: 'dhcp.truncated_options',
  /** vsids: shorter than the 236-byte BOOTP header; no transaction. */
  truncatedHeader: 'dhcp.truncated_header',
} as const;

/** RFC 2131: fixed header before the magic cookie. */
export const BOOTP_HEADER_LEN = 236;
export const DHCP_MAGIC_COOKIE = 0x63825363;
/** Where the options start (after the cookie). */
export const DHCP_OPTIONS_OFFSET = 240;

export const BOOTP_REQUEST = 1;
export const BOOTP_REPLY = 2;

// RFC 2132 option codes this parser decodes.
export const DHCP_OPT_PAD = 0;
export const DHCP_OPT_SUBNET_MASK = 1;
export const DHCP_OPT_ROUTERS = 3;
export const DHCP_OPT_DNS_SERVERS = 6;
export const DHCP_OPT_HOSTNAME = 12;
export const DHCP_OPT_DOMAIN_NAME = 15;
export const DHCP_OPT_REQUESTED_IP = 50;
export const DHCP_OPT_LEASE_TIME = 51;
export const DHCP_OPT_OVERLOAD = 52;
export const DHCP_OPT_MESSAGE_TYPE = 53;
export const DHCP_OPT_SERVER_ID = 54;
export const DHCP_OPT_PARAM_LIST = 55;
export const DHCP_OPT_RENEWAL_TIME = 58;
export const DHCP_OPT_REBINDING_TIME = 59;
export const DHCP_OPT_VENDOR_CLASS = 60;
export const DHCP_OPT_CLIENT_ID = 61;
export const DHCP_OPT_END = 255;

/** RFC 2132 §9.6 message types, as EVE's `dhcp_type` names them. */
const MESSAGE_TYPES = ['', 'discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform'];

export function dhcpMessageTypeName(t: number): string {
  if (t < 0) return '';
  return MESSAGE_TYPES[t] || 'unknown';
}

/** Parameter request list entries EVE names (Suricata's set); others are left out of `params`. */
const PARAM_NAMES: Record<number, string> = {
  1: 'subnet_mask',
  3: 'router',
  6: 'dns_server',
  15: 'domain',
  35: 'arp_timeout',
  42: 'ntp_server',
  66: 'tftp_server_name',
  150: 'tftp_server_ip',
};

const HEX = '0123456789abcdef';

function text(b: Buffer): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return s;
}

function hexColon(b: Buffer): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (i > 0) s += ':';
    s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  }
  return s;
}

function ipList(b: Buffer, off: number, len: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + 4 <= len; i += 4) out.push(formatIpv4(b, off + i));
  return out;
}

/**
 * One DHCP (or plain BOOTP) message. Buffers are views of `msg`, the message's own copy;
 * addresses are formatted as text from it when first asked for.
 */
export class DhcpTx implements AppTx {
  readonly proto = 'dhcp' as const;
  /** Complete on arrival. */
  progress = TX_REQUEST_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_HEADERS | TX_RESPONSE_DONE;
  inspected = 0;

  /** 1 BOOTREQUEST (client to server), 2 BOOTREPLY. */
  op = 0;
  htype = 0;
  hlen = 0;
  hops = 0;
  /** Transaction ID chosen by the client (EVE `id`). */
  xid = 0;
  secs = 0;
  /** The BROADCAST flag (RFC 2131 §2, flags bit 0). */
  broadcast = false;
  /** The magic cookie was there: options were parsed (else plain BOOTP). */
  hasCookie = false;

  // --- options (first occurrence wins) ---
  /** Option 53; -1 when absent. */
  messageType = -1;
  /** @internal Where options 50, 54, 1 (4 bytes) and 3, 6 (a list) are in `msg`; -1 when absent. */
  _requestedIpOff = -1;
  _serverIdOff = -1;
  _subnetMaskOff = -1;
  _routersOff = -1;
  _routersLen = 0;
  _dnsServersOff = -1;
  _dnsServersLen = 0;
  private _clientIp: string | undefined = undefined;
  private _assignedIp: string | undefined = undefined;
  private _nextServerIp: string | undefined = undefined;
  private _relayIp: string | undefined = undefined;
  private _clientMac: string | undefined = undefined;
  private _chaddr: Buffer | undefined = undefined;
  private _requestedIp: string | undefined = undefined;
  private _serverId: string | undefined = undefined;
  private _subnetMask: string | undefined = undefined;
  private _routers: string[] | undefined = undefined;
  private _dnsServers: string[] | undefined = undefined;
  leaseTime = -1;
  renewalTime = -1;
  rebindingTime = -1;
  hostname: Buffer | undefined = undefined;
  domainName: Buffer | undefined = undefined;
  vendorClass: Buffer | undefined = undefined;
  /** Option 61, type byte included. */
  clientId: Buffer | undefined = undefined;
  /** Option 55 codes. */
  params: Buffer | undefined = undefined;
  /** Option 52: 1 file, 2 sname, 3 both carry options. */
  overload = 0;
  /** Codes of every option seen, in order (pad and end excluded). */
  readonly optionCodes: number[] = [];

  constructor(
    readonly id: number,
    /** The whole message, copied once. */
    readonly msg: Buffer,
  ) {}

  /** ciaddr, yiaddr, siaddr, giaddr as dotted text. */
  get clientIp(): string {
    if (this._clientIp === undefined) this._clientIp = formatIpv4(this.msg, 12);
    return this._clientIp;
  }
  get assignedIp(): string {
    if (this._assignedIp === undefined) this._assignedIp = formatIpv4(this.msg, 16);
    return this._assignedIp;
  }
  get nextServerIp(): string {
    if (this._nextServerIp === undefined) this._nextServerIp = formatIpv4(this.msg, 20);
    return this._nextServerIp;
  }
  get relayIp(): string {
    if (this._relayIp === undefined) this._relayIp = formatIpv4(this.msg, 24);
    return this._relayIp;
  }
  /** chaddr bytes (hlen of them; 6 when hlen is out of range). */
  get chaddr(): Buffer {
    if (this._chaddr === undefined) this._chaddr = this.msg.subarray(28, 28 + this.macLen);
    return this._chaddr;
  }
  /** chaddr, the first `hlen` bytes (6 when hlen is out of range), as aa:bb:cc:dd:ee:ff. */
  get clientMac(): string {
    if (this._clientMac === undefined) {
      this._clientMac = this.macLen === 6 ? formatMac(this.msg, 28) : hexColon(this.chaddr);
    }
    return this._clientMac;
  }
  private get macLen(): number {
    return this.hlen >= 1 && this.hlen <= 16 ? this.hlen : 6;
  }
  get requestedIp(): string | undefined {
    if (this._requestedIp === undefined && this._requestedIpOff >= 0) {
      this._requestedIp = formatIpv4(this.msg, this._requestedIpOff);
    }
    return this._requestedIp;
  }
  get serverId(): string | undefined {
    if (this._serverId === undefined && this._serverIdOff >= 0) {
      this._serverId = formatIpv4(this.msg, this._serverIdOff);
    }
    return this._serverId;
  }
  get subnetMask(): string | undefined {
    if (this._subnetMask === undefined && this._subnetMaskOff >= 0) {
      this._subnetMask = formatIpv4(this.msg, this._subnetMaskOff);
    }
    return this._subnetMask;
  }
  get routers(): string[] {
    if (this._routers === undefined) {
      this._routers = this._routersOff >= 0 ? ipList(this.msg, this._routersOff, this._routersLen) : [];
    }
    return this._routers;
  }
  get dnsServers(): string[] {
    if (this._dnsServers === undefined) {
      this._dnsServers = this._dnsServersOff >= 0 ? ipList(this.msg, this._dnsServersOff, this._dnsServersLen) : [];
    }
    return this._dnsServers;
  }

  get isReply(): boolean {
    return this.op === BOOTP_REPLY;
  }
  /** EVE `dhcp_type`: `discover`, `offer`, ... ('' without option 53). */
  get messageTypeName(): string {
    return dhcpMessageTypeName(this.messageType);
  }

  /** Suricata's EVE `dhcp` object in its extended form. */
  toEve(): Record<string, unknown> {
    const e: Record<string, unknown> = {
      type: this.op === BOOTP_REQUEST ? 'request' : this.op === BOOTP_REPLY ? 'reply' : '<unknown>',
      id: this.xid,
      client_mac: this.clientMac,
      assigned_ip: this.assignedIp,
      client_ip: this.clientIp,
    };
    if (this.op === BOOTP_REPLY) {
      e.relay_ip = this.relayIp;
      e.next_server_ip = this.nextServerIp;
    }
    if (this.messageType >= 0) e.dhcp_type = this.messageTypeName;
    if (this.clientId) e.client_id = hexColon(this.clientId);
    if (this.hostname && this.hostname.length > 0) e.hostname = text(this.hostname);
    if (this.requestedIp !== undefined) e.requested_ip = this.requestedIp;
    if (this.leaseTime >= 0) e.lease_time = this.leaseTime;
    if (this.renewalTime >= 0) e.renewal_time = this.renewalTime;
    if (this.rebindingTime >= 0) e.rebinding_time = this.rebindingTime;
    if (this.subnetMask !== undefined) e.subnet_mask = this.subnetMask;
    if (this.routers.length > 0) e.routers = this.routers;
    if (this.dnsServers.length > 0) e.dns_servers = this.dnsServers;
    if (this.vendorClass) e.vendor_class_identifier = text(this.vendorClass);
    if (this.params) {
      const names: string[] = [];
      for (let i = 0; i < this.params.length; i++) {
        const n = PARAM_NAMES[this.params[i]!];
        if (n !== undefined) names.push(n);
      }
      if (names.length > 0) e.params = names;
    }
    return e;
  }
}

const EV_MALFORMED = 1;
const EV_TRUNCATED = 2;

/**
 * Walk the options in msg[off, end) into `tx`. Returns EV_* bits. `top` is true for the
 * options field proper (where option 52 may ask for sname/file to be read as well).
 */
function parseOptions(tx: DhcpTx, msg: Buffer, off: number, end: number, top: boolean): number {
  let ev = 0;
  let p = off;
  while (p < end) {
    const code = msg[p]!;
    if (code === DHCP_OPT_PAD) {
      p++;
      continue;
    }
    if (code === DHCP_OPT_END) break;
    if (p + 1 >= end) {
      ev |= EV_TRUNCATED; // no length byte
      break;
    }
    const len = msg[p + 1]!;
    const v = p + 2;
    if (v + len > end) {
      ev |= EV_TRUNCATED; // value runs past the data
      break;
    }
    tx.optionCodes.push(code);
    if (!option(tx, msg, code, v, len, top)) ev |= EV_MALFORMED;
    p = v + len;
  }
  return ev;
}

/** Keep one option. False when its length does not fit its code (the value is ignored). */
function option(tx: DhcpTx, msg: Buffer, code: number, v: number, len: number, top: boolean): boolean {
  switch (code) {
    case DHCP_OPT_MESSAGE_TYPE:
      if (len !== 1) return false;
      if (tx.messageType < 0) tx.messageType = msg[v]!;
      return true;
    case DHCP_OPT_SUBNET_MASK:
    case DHCP_OPT_REQUESTED_IP:
    case DHCP_OPT_SERVER_ID: {
      if (len !== 4) return false;
      if (code === DHCP_OPT_SUBNET_MASK) {
        if (tx._subnetMaskOff < 0) tx._subnetMaskOff = v;
      } else if (code === DHCP_OPT_REQUESTED_IP) {
        if (tx._requestedIpOff < 0) tx._requestedIpOff = v;
      } else if (tx._serverIdOff < 0) {
        tx._serverIdOff = v;
      }
      return true;
    }
    case DHCP_OPT_ROUTERS:
    case DHCP_OPT_DNS_SERVERS: {
      // RFC 2132 §3.5, §3.8: minimum 4, a multiple of 4.
      if (len < 4 || len % 4 !== 0) return false;
      if (code === DHCP_OPT_ROUTERS) {
        if (tx._routersOff < 0) {
          tx._routersOff = v;
          tx._routersLen = len;
        }
      } else if (tx._dnsServersOff < 0) {
        tx._dnsServersOff = v;
        tx._dnsServersLen = len;
      }
      return true;
    }
    case DHCP_OPT_LEASE_TIME:
    case DHCP_OPT_RENEWAL_TIME:
    case DHCP_OPT_REBINDING_TIME: {
      if (len !== 4) return false;
      const t = u32be(msg, v);
      if (code === DHCP_OPT_LEASE_TIME) {
        if (tx.leaseTime < 0) tx.leaseTime = t;
      } else if (code === DHCP_OPT_RENEWAL_TIME) {
        if (tx.renewalTime < 0) tx.renewalTime = t;
      } else if (tx.rebindingTime < 0) tx.rebindingTime = t;
      return true;
    }
    case DHCP_OPT_HOSTNAME:
    case DHCP_OPT_DOMAIN_NAME:
    case DHCP_OPT_VENDOR_CLASS:
    case DHCP_OPT_PARAM_LIST: {
      // RFC 2132: minimum length 1 for each of these.
      if (len < 1) return false;
      const b = msg.subarray(v, v + len);
      if (code === DHCP_OPT_HOSTNAME) tx.hostname ??= b;
      else if (code === DHCP_OPT_DOMAIN_NAME) tx.domainName ??= b;
      else if (code === DHCP_OPT_VENDOR_CLASS) tx.vendorClass ??= b;
      else tx.params ??= b;
      return true;
    }
    case DHCP_OPT_CLIENT_ID:
      // RFC 2132 §9.14: type byte plus at least one byte.
      if (len < 2) return false;
      tx.clientId ??= msg.subarray(v, v + len);
      return true;
    case DHCP_OPT_OVERLOAD:
      // RFC 2132 §9.3: 1 file, 2 sname, 3 both; only meaningful in the options field.
      if (len !== 1 || msg[v]! < 1 || msg[v]! > 3) return false;
      if (top && tx.overload === 0) tx.overload = msg[v]!;
      return true;
    default:
      return true;
  }
}

/** Parse one DHCP datagram [off, end); `ev` gets the EV_* bits. Null when shorter than the BOOTP header. */
function parseMessage(buf: Buffer, off: number, end: number, id: number, out: { ev: number }): DhcpTx | null {
  out.ev = 0;
  if (end - off < BOOTP_HEADER_LEN) return null;
  const msg = Buffer.allocUnsafe(end - off);
  buf.copy(msg, 0, off, end);
  const tx = new DhcpTx(id, msg);
  tx.op = msg[0]!;
  tx.htype = msg[1]!;
  tx.hlen = msg[2]!;
  tx.hops = msg[3]!;
  tx.xid = u32be(msg, 4);
  tx.secs = u16be(msg, 8);
  tx.broadcast = (msg[10]! & 0x80) !== 0;
  const n = msg.length;
  if (n < DHCP_OPTIONS_OFFSET) {
    // Room for a cookie was cut: a DHCP message whose options are missing.
    if (n > BOOTP_HEADER_LEN) out.ev |= EV_TRUNCATED;
    return tx;
  }
  if (u32be(msg, BOOTP_HEADER_LEN) !== DHCP_MAGIC_COOKIE) return tx; // plain BOOTP vendor area
  tx.hasCookie = true;
  out.ev |= parseOptions(tx, msg, DHCP_OPTIONS_OFFSET, n, true);
  // RFC 2131 §4.1: with option 52, read `file` and then `sname` as further options.
  if (tx.overload & 1) out.ev |= parseOptions(tx, msg, 108, 236, false);
  if (tx.overload & 2) out.ev |= parseOptions(tx, msg, 44, 108, false);
  return tx;
}

const RESULT = { ev: 0 };

/** Parse one DHCP datagram outside of a flow (tests, tools); `events` gets the anomaly names. */
export function parseDhcpMessage(buf: Buffer, off: number, end: number, events?: string[]): DhcpTx | null {
  const tx = parseMessage(buf, off, end, 0, RESULT);
  if (events) {
    if (tx === null) events.push(DHCP_EVENTS.truncatedHeader);
    if (RESULT.ev & EV_MALFORMED) events.push(DHCP_EVENTS.malformedOptions);
    if (RESULT.ev & EV_TRUNCATED) events.push(DHCP_EVENTS.truncatedOptions);
  }
  return tx;
}

class DhcpState implements AppParserState {
  private nextTxId = 0;

  constructor(
    private readonly sink: AppSink,
    private readonly flow: unknown,
  ) {}

  parse(dir: Direction, buf: Buffer, off: number, end: number): void {
    if (end <= off) return;
    const tx = parseMessage(buf, off, end, this.nextTxId, RESULT);
    if (tx === null) {
      this.sink.anomaly(this.flow, 'dhcp', DHCP_EVENTS.truncatedHeader);
      return;
    }
    this.nextTxId++;
    const ev = RESULT.ev;
    if (ev & EV_MALFORMED) this.sink.anomaly(this.flow, 'dhcp', DHCP_EVENTS.malformedOptions);
    if (ev & EV_TRUNCATED) this.sink.anomaly(this.flow, 'dhcp', DHCP_EVENTS.truncatedOptions);
    this.sink.txProgress(this.flow, tx, dir);
  }

  gap(): void {}

  end(): void {}
}

/** BOOTP op 1/2 on Ethernet (htype 1, hlen 6) with the DHCP magic cookie at 236. */
function probe(buf: Buffer, off: number, end: number): ProbeResult {
  if (end - off < DHCP_OPTIONS_OFFSET) return PROBE_NO;
  const op = buf[off]!;
  if (op !== BOOTP_REQUEST && op !== BOOTP_REPLY) return PROBE_NO;
  if (buf[off + 1] !== 1 || buf[off + 2] !== 6) return PROBE_NO;
  return u32be(buf, off + BOOTP_HEADER_LEN) === DHCP_MAGIC_COOKIE ? PROBE_YES : PROBE_NO;
}

export const dhcpParser: AppParser = {
  name: 'dhcp',
  transport: 'udp',
  defaultPorts: [67, 68],
  probe,
  create: (sink, flow) => new DhcpState(sink, flow),
};
