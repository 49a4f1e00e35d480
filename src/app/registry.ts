// Which application-layer parsers exist, which ports select them, and the small numeric
// ids the flow table stores (EVE `app_proto` names them).

import { dhcpParser } from './dhcp.js';
import { makeDnsParser } from './dns.js';
import { createHttpParser } from './http.js';
import { URI_SURICATA_IDS } from './http-uri.js';
import { sshParser } from './ssh.js';
import { tlsParser } from './tls.js';
import { type AppLimits, type AppParser, type AppProtoName, DEFAULT_APP_LIMITS } from './types.js';

export const APP_UNKNOWN = 0;
export const APP_HTTP = 1;
export const APP_TLS = 2;
export const APP_DNS = 3;
export const APP_SSH = 4;
export const APP_DHCP = 5;
/** Probing ran out of candidates: Suricata's `failed`. */
export const APP_FAILED = 6;

export const APP_NAMES: readonly string[] = ['', 'http', 'tls', 'dns', 'ssh', 'dhcp', 'failed'];

const ID_BY_NAME: Record<AppProtoName, number> = {
  http: APP_HTTP,
  tls: APP_TLS,
  dns: APP_DNS,
  ssh: APP_SSH,
  dhcp: APP_DHCP,
};

export function appId(name: AppProtoName): number {
  return ID_BY_NAME[name];
}

/** Parsers of one transport, with a port table for the first guess. */
export class TransportParsers {
  readonly parsers: AppParser[] = [];
  /** Port -> index + 1 into `parsers` (0 = no parser claims the port). */
  readonly byPort = new Uint8Array(65536);

  add(parser: AppParser): void {
    this.parsers.push(parser);
    for (const port of parser.defaultPorts) if (this.byPort[port] === 0) this.byPort[port] = this.parsers.length;
  }

  /** The parser a port suggests, or undefined. */
  forPorts(serverPort: number, clientPort: number): AppParser | undefined {
    const i = this.byPort[serverPort] || this.byPort[clientPort]!;
    return i > 0 ? this.parsers[i - 1] : undefined;
  }
}

export interface AppRegistry {
  tcp: TransportParsers;
  udp: TransportParsers;
}

/**
 * The bundled parsers, optionally limited to some protocols. HTTP URIs are normalised as
 * Suricata's default configuration does (libhtp personality IDS), so rules match alike.
 */
export function defaultAppRegistry(
  enabled?: ReadonlySet<string>,
  limits: AppLimits = DEFAULT_APP_LIMITS,
  reuseBodies = false,
): AppRegistry {
  const reg: AppRegistry = { tcp: new TransportParsers(), udp: new TransportParsers() };
  const http = createHttpParser({ limits, uri: URI_SURICATA_IDS, reuseBodies });
  const all: AppParser[] = [
    http,
    tlsParser,
    sshParser,
    makeDnsParser('tcp', limits),
    makeDnsParser('udp', limits),
    dhcpParser,
  ];
  for (const parser of all) {
    if (enabled !== undefined && !enabled.has(parser.name)) continue;
    (parser.transport === 'tcp' ? reg.tcp : reg.udp).add(parser);
  }
  return reg;
}
