// app-layer-protocol: `app-layer-protocol:[!]<proto>[,<mode>];` — the protocol the flow's app
// layer was detected as. Names are Suricata's (vsids detects http, dns, tls, ssh, dhcp; other
// names simply never match, `failed` and `unknown` describe detection failure).

import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

export const APP_LAYER_NAMES: ReadonlySet<string> = new Set([
  'http',
  'http1',
  'http2',
  'ftp',
  'ftp-data',
  'smtp',
  'tls',
  'ssh',
  'imap',
  'pop3',
  'jabber',
  'smb',
  'dcerpc',
  'irc',
  'dns',
  'doh2',
  'dnp3',
  'enip',
  'modbus',
  'nfs',
  'ntp',
  'tftp',
  'ike',
  'ikev2',
  'krb5',
  'dhcp',
  'snmp',
  'sip',
  'rfb',
  'mqtt',
  'pgsql',
  'telnet',
  'websocket',
  'ldap',
  'rdp',
  'quic',
  'bittorrent-dht',
  'template',
  'failed',
  'unknown',
]);

const MODES = new Set(['final', 'original', 'either', 'to_server', 'to_client', 'direction']);

export const appLayerProtocol: KeywordDef = {
  names: ['app-layer-protocol'],
  value: 'required',
  setup(b, value, name) {
    const [protoPart, mode, ...extra] = value!.split(',').map((s) => s.trim());
    if (extra.length > 0) fail(name, `too many values in "${value}"`);
    let proto = protoPart!;
    let negated = false;
    if (proto.startsWith('!')) {
      negated = true;
      proto = proto.slice(1).trim();
    }
    proto = proto.toLowerCase();
    if (!APP_LAYER_NAMES.has(proto)) fail(name, `unknown application protocol "${proto}"`);
    if (mode !== undefined && !MODES.has(mode)) fail(name, `unknown mode "${mode}" (${[...MODES].join(', ')})`);
    b.appLayerProtocols.push({ proto, negated, mode: mode ?? null });
  },
};
