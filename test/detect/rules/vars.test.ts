import { describe, expect, it } from 'vitest';
import { RuleError } from '../../../src/detect/rules/types.js';
import {
  addressGroupHas,
  addressGroupHasV4,
  checkVars,
  DEFAULT_ADDRESS_VARS,
  DEFAULT_PORT_VARS,
  defaultVars,
  groupCompiler,
  parseIpv4,
  parseIpv6,
  parseVarAssignment,
  portGroupHas,
  varsWith,
} from '../../../src/detect/rules/vars.js';

const c = groupCompiler(defaultVars());
const addr = (text: string) => c.address(text, 'source address');
const port = (text: string) => c.port(text, 'source port');
const addrErr = (text: string): string => {
  try {
    addr(text);
  } catch (err) {
    expect(err).toBeInstanceOf(RuleError);
    return (err as Error).message;
  }
  throw new Error(`"${text}" compiled`);
};
const portErr = (text: string): string => {
  try {
    port(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`"${text}" compiled`);
};

describe('IP text parsing', () => {
  it('parses IPv4', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('256.0.0.1')).toBeNull();
    expect(parseIpv4('10.0.0')).toBeNull();
  });
  it('parses IPv6 with :: and dotted tails', () => {
    expect(parseIpv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('2001:db8::8:800:200c:417a')).toEqual([0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]);
    expect(parseIpv6('::ffff:10.1.2.3')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203]);
    expect(parseIpv6('fe80::1')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6('1::2::3')).toBeNull();
    expect(parseIpv6('10.0.0.1')).toBeNull();
  });
});

describe('address groups', () => {
  it('any covers both families', () => {
    const g = addr('any');
    expect(g.any).toBe(true);
    expect(addressGroupHas(g, '1.2.3.4')).toBe(true);
    expect(addressGroupHas(g, '2001:db8::1')).toBe(true);
  });

  it('single addresses, CIDRs, netmasks and ranges', () => {
    expect(addressGroupHas(addr('10.0.0.1'), '10.0.0.1')).toBe(true);
    expect(addressGroupHas(addr('10.0.0.1'), '10.0.0.2')).toBe(false);
    const net = addr('192.168.1.0/24');
    expect(addressGroupHas(net, '192.168.1.0')).toBe(true);
    expect(addressGroupHas(net, '192.168.1.255')).toBe(true);
    expect(addressGroupHas(net, '192.168.2.0')).toBe(false);
    expect(addressGroupHas(net, '::1')).toBe(false);
    // Host bits are masked off, as Suricata does.
    expect(addressGroupHas(addr('10.1.2.3/8'), '10.200.0.1')).toBe(true);
    expect(addressGroupHas(addr('10.0.0.0/255.255.0.0'), '10.0.255.255')).toBe(true);
    expect(addressGroupHas(addr('10.0.0.0/255.255.0.0'), '10.1.0.0')).toBe(false);
    const range = addr('10.0.0.5-10.0.0.9');
    expect(addressGroupHas(range, '10.0.0.4')).toBe(false);
    expect(addressGroupHas(range, '10.0.0.5')).toBe(true);
    expect(addressGroupHas(range, '10.0.0.9')).toBe(true);
    expect(addressGroupHas(range, '10.0.0.10')).toBe(false);
    expect(addressGroupHas(addr('0.0.0.0/0'), '255.255.255.255')).toBe(true);
  });

  it('IPv6 CIDRs and ranges', () => {
    const g = addr('2001:db8::/32');
    expect(g.v4.length).toBe(0);
    expect(g.v6.length).toBe(8);
    expect(addressGroupHas(g, '2001:db8:ffff::1')).toBe(true);
    expect(addressGroupHas(g, '2001:db9::1')).toBe(false);
    expect(addressGroupHas(g, '10.0.0.1')).toBe(false);
    const r = addr('fe80::1-fe80::ff');
    expect(addressGroupHas(r, 'fe80::80')).toBe(true);
    expect(addressGroupHas(r, 'fe80::100')).toBe(false);
    expect(addressGroupHas(addr('::/0'), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
  });

  it('negation of a single address covers everything else, both families', () => {
    const g = addr('!10.0.0.1');
    expect(addressGroupHas(g, '10.0.0.1')).toBe(false);
    expect(addressGroupHas(g, '10.0.0.0')).toBe(true);
    expect(addressGroupHas(g, '10.0.0.2')).toBe(true);
    expect(addressGroupHas(g, '0.0.0.0')).toBe(true);
    expect(addressGroupHas(g, '255.255.255.255')).toBe(true);
    expect(addressGroupHas(g, '::1')).toBe(true);
  });

  it('lists subtract their negated items from the others', () => {
    const g = addr('[10.0.0.0/8, !10.1.0.0/16, 192.168.0.1]');
    expect(addressGroupHas(g, '10.0.0.1')).toBe(true);
    expect(addressGroupHas(g, '10.1.2.3')).toBe(false);
    expect(addressGroupHas(g, '10.2.0.0')).toBe(true);
    expect(addressGroupHas(g, '192.168.0.1')).toBe(true);
    expect(addressGroupHas(g, '192.168.0.2')).toBe(false);
    // Ranges are merged and sorted: 10.0/16, 10.2-10.255, 192.168.0.1.
    expect(Array.from(g.v4)).toEqual([0x0a000000, 0x0a00ffff, 0x0a020000, 0x0affffff, 0xc0a80001, 0xc0a80001]);
  });

  it('a list of only negations means everything but those', () => {
    const g = addr('[!10.0.0.1,!10.0.0.2]');
    expect(addressGroupHas(g, '10.0.0.1')).toBe(false);
    expect(addressGroupHas(g, '10.0.0.2')).toBe(false);
    expect(addressGroupHas(g, '10.0.0.3')).toBe(true);
  });

  it('nested lists and negated lists', () => {
    const g = addr('[10.0.0.0/8,![10.1.0.0/16,!10.1.2.0/24]]');
    expect(addressGroupHas(g, '10.1.0.1')).toBe(false);
    expect(addressGroupHas(g, '10.1.2.7')).toBe(true); // re-included by the inner negation
    expect(addressGroupHas(g, '10.9.9.9')).toBe(true);
    expect(addressGroupHas(g, '11.0.0.0')).toBe(false);
    const h = addr('![1.1.1.1,[2.2.2.0/24]]');
    expect(addressGroupHas(h, '2.2.2.9')).toBe(false);
    expect(addressGroupHas(h, '1.1.1.1')).toBe(false);
    expect(addressGroupHas(h, '1.1.1.2')).toBe(true);
  });

  it('variables: HOME_NET and EXTERNAL_NET defaults', () => {
    const home = addr('$HOME_NET');
    const ext = addr('$EXTERNAL_NET');
    for (const ip of ['10.0.0.1', '172.16.5.5', '172.31.255.255', '192.168.1.1']) {
      expect(addressGroupHas(home, ip)).toBe(true);
      expect(addressGroupHas(ext, ip)).toBe(false);
    }
    for (const ip of ['8.8.8.8', '172.32.0.0', '2001:db8::1']) {
      expect(addressGroupHas(home, ip)).toBe(false);
      expect(addressGroupHas(ext, ip)).toBe(true);
    }
    expect(addressGroupHas(addr('!$EXTERNAL_NET'), '10.0.0.1')).toBe(true);
    expect(addressGroupHas(addr('$HTTP_SERVERS'), '10.0.0.1')).toBe(true);
    expect(addressGroupHas(addr('$AIM_SERVERS'), '8.8.8.8')).toBe(true);
    expect(addressGroupHas(addr('[$HOME_NET,!10.0.0.0/8]'), '10.0.0.1')).toBe(false);
    expect(addressGroupHas(addr('[$HOME_NET,!10.0.0.0/8]'), '192.168.0.1')).toBe(true);
  });

  it('every default address variable compiles', () => {
    for (const name of Object.keys(DEFAULT_ADDRESS_VARS)) expect(() => addr(`$${name}`)).not.toThrow();
    expect(checkVars(defaultVars())).toEqual([]);
  });

  it('numeric membership helper', () => {
    expect(addressGroupHasV4(addr('10.0.0.0/8'), 0x0a123456)).toBe(true);
    expect(addressGroupHasV4(addr('10.0.0.0/8'), 0x0b000000)).toBe(false);
  });

  it('rejects bad groups, naming the header part', () => {
    expect(addrErr('10.0.0.300')).toMatch(/^source address: "10.0.0.300" is not a valid address/);
    expect(addrErr('10.0.0.0/33')).toMatch(/prefix length above 32/);
    expect(addrErr('10.0.0.0/255.0.255.0')).toMatch(/non-contiguous netmask/);
    expect(addrErr('10.0.0.9-10.0.0.1')).toMatch(/start is above its end/);
    expect(addrErr('!any')).toMatch(/matches no address/);
    expect(addrErr('[10.0.0.1,!10.0.0.1]')).toMatch(/matches no address/);
    expect(addrErr('[10.0.0.1')).toMatch(/missing "\]"/);
    expect(addrErr('[]')).toMatch(/empty list/);
    expect(addrErr('$NO_SUCH_NET')).toMatch(/unknown address variable \$NO_SUCH_NET/);
    expect(addrErr('$HTTP_PORTS')).toMatch(/it is a port variable/);
    expect(addrErr('2001:db8::/129')).toMatch(/prefix length above 128/);
  });
});

describe('port groups', () => {
  it('single ports, ranges and open ranges', () => {
    expect(port('any').any).toBe(true);
    const g = port('80');
    expect(portGroupHas(g, 80)).toBe(true);
    expect(portGroupHas(g, 81)).toBe(false);
    const r = port('1024:');
    expect(portGroupHas(r, 1023)).toBe(false);
    expect(portGroupHas(r, 1024)).toBe(true);
    expect(portGroupHas(r, 65535)).toBe(true);
    const low = port(':1023');
    expect(portGroupHas(low, 0)).toBe(true);
    expect(portGroupHas(low, 1023)).toBe(true);
    expect(portGroupHas(low, 1024)).toBe(false);
    const mid = port('80:90');
    expect(portGroupHas(mid, 79)).toBe(false);
    expect(portGroupHas(mid, 85)).toBe(true);
    expect(portGroupHas(mid, 91)).toBe(false);
  });

  it('lists, negation and nesting', () => {
    const g = port('[80,443,8000:8100,!8080]');
    expect([80, 443, 8000, 8079, 8081, 8100].every((p) => portGroupHas(g, p))).toBe(true);
    expect([81, 8080, 8101].some((p) => portGroupHas(g, p))).toBe(false);
    const n = port('!80');
    expect(portGroupHas(n, 80)).toBe(false);
    expect(portGroupHas(n, 0)).toBe(true);
    expect(portGroupHas(n, 65535)).toBe(true);
    const nested = port('[1:100,![50:60,[55]]]');
    expect(portGroupHas(nested, 49)).toBe(true);
    expect(portGroupHas(nested, 50)).toBe(false);
    expect(portGroupHas(nested, 55)).toBe(false);
    expect(portGroupHas(nested, 61)).toBe(true);
    expect(Array.from(port('[90:100,1:10,11:20,95]').ranges)).toEqual([1, 20, 90, 100]);
  });

  it('port variables use the suricata.yaml defaults', () => {
    expect(Array.from(port('$HTTP_PORTS').ranges)).toEqual([80, 80]);
    expect(portGroupHas(port('$SHELLCODE_PORTS'), 80)).toBe(false);
    expect(portGroupHas(port('$SHELLCODE_PORTS'), 81)).toBe(true);
    expect(Array.from(port('$FILE_DATA_PORTS').ranges)).toEqual([80, 80, 110, 110, 143, 143]);
    const expected: Record<string, number> = {
      ORACLE_PORTS: 1521,
      SSH_PORTS: 22,
      DNP3_PORTS: 20000,
      MODBUS_PORTS: 502,
      FTP_PORTS: 21,
      GENEVE_PORTS: 6081,
      VXLAN_PORTS: 4789,
      TEREDO_PORTS: 3544,
    };
    for (const [name, p] of Object.entries(expected)) expect(Array.from(port(`$${name}`).ranges)).toEqual([p, p]);
    const all = [...Object.keys(expected), 'FILE_DATA_PORTS', 'HTTP_PORTS', 'SHELLCODE_PORTS'];
    expect(Object.keys(DEFAULT_PORT_VARS).sort()).toEqual(all.sort());
  });

  it('rejects bad port groups', () => {
    expect(portErr('65536')).toMatch(/^source port: "65536" is not a valid port/);
    expect(portErr('90:80')).toMatch(/start is above its end/);
    expect(portErr(':')).toMatch(/not a valid port range/);
    expect(portErr('!any')).toMatch(/matches no port/);
    expect(portErr('http')).toMatch(/"http" is not a valid port/);
    expect(portErr('$HOME_NET')).toMatch(/unknown port variable \$HOME_NET \(it is an address variable\)/);
  });
});

describe('variable overrides', () => {
  it('parses NAME=VALUE', () => {
    expect(parseVarAssignment('HOME_NET=[10.0.0.0/8]')).toEqual(['HOME_NET', '[10.0.0.0/8]']);
    expect(parseVarAssignment('$HTTP_PORTS=8080')).toEqual(['HTTP_PORTS', '8080']);
    expect(() => parseVarAssignment('HOME_NET')).toThrow(/NAME=VALUE/);
    expect(() => parseVarAssignment('1X=1')).toThrow(/not a valid variable name/);
    expect(() => parseVarAssignment('X=')).toThrow(/empty value/);
  });

  it('overrides replace defaults and flow through dependent variables', () => {
    const vars = varsWith(defaultVars(), ['HOME_NET=[10.10.0.0/16]', 'HTTP_PORTS=[80,8080]', 'MY_NET=1.2.3.4']);
    const k = groupCompiler(vars);
    expect(addressGroupHas(k.address('$HOME_NET', 'x'), '10.10.1.1')).toBe(true);
    expect(addressGroupHas(k.address('$HOME_NET', 'x'), '192.168.0.1')).toBe(false);
    // EXTERNAL_NET is !$HOME_NET: it follows the override.
    expect(addressGroupHas(k.address('$EXTERNAL_NET', 'x'), '192.168.0.1')).toBe(true);
    expect(addressGroupHas(k.address('$HTTP_SERVERS', 'x'), '10.10.0.1')).toBe(true);
    expect(portGroupHas(k.port('$HTTP_PORTS', 'x'), 8080)).toBe(true);
    expect(portGroupHas(k.port('$FILE_DATA_PORTS', 'x'), 8080)).toBe(true);
    expect(addressGroupHas(k.address('$MY_NET', 'x'), '1.2.3.4')).toBe(true);
    // The defaults object is untouched.
    expect(addressGroupHas(addr('$HOME_NET'), '192.168.0.1')).toBe(true);
  });

  it('reports bad and self-referencing variables', () => {
    expect(checkVars(varsWith(defaultVars(), ['HOME_NET=10.0.0.256']))[0]).toMatch(/10.0.0.256/);
    expect(checkVars(varsWith(defaultVars(), ['HTTP_PORTS=99999']))[0]).toMatch(/99999/);
    const loop = varsWith(defaultVars(), ['HOME_NET=$EXTERNAL_NET']);
    expect(() => groupCompiler(loop).address('$HOME_NET', 'source address')).toThrow(/refers to itself/);
    // An unknown name only has to parse as one kind.
    expect(checkVars(varsWith(defaultVars(), ['WEB_PORTS=[80,443]', 'DB_NET=10.0.0.0/24']))).toEqual([]);
  });
});
