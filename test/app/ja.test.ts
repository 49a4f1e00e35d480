import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ClientHelloPrint,
  isGrease,
  ja3Hash,
  ja3String,
  ja3sString,
  ja4,
  ja4Alpn,
  hexDigest,
  ja4Raw,
} from '../../src/app/ja.js';

const sha12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
const hexList = (s: string) => s.split(',').map((h) => Number.parseInt(h, 16));

function print(p: Partial<ClientHelloPrint>): ClientHelloPrint {
  return {
    version: 0x0303,
    ciphers: [],
    extensions: [],
    groups: [],
    pointFormats: [],
    sigAlgs: [],
    supportedVersions: [],
    ...p,
  };
}

describe('GREASE (RFC 8701)', () => {
  it('recognises the sixteen reserved values and nothing else', () => {
    const grease: number[] = [];
    for (let v = 0; v < 0x10000; v++) if (isGrease(v)) grease.push(v);
    expect(grease).toEqual(Array.from({ length: 16 }, (_, i) => i * 0x1010 + 0x0a0a));
  });
});

describe('JA3 (salesforce/ja3 README vectors)', () => {
  // https://github.com/salesforce/ja3 README, "How it works".
  it('hashes the README strings to the README hashes', () => {
    expect(ja3Hash('769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0')).toBe(
      'ada70206e40642a3e4461f35503241d5',
    );
    expect(ja3Hash('769,4-5-10-9-100-98-3-6-19-18-99,,,')).toBe('de350869b8c85de67a350c8d186f11e6');
  });

  it('builds the README strings from ClientHello fields', () => {
    expect(
      ja3String(
        print({
          version: 769,
          ciphers: [47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4],
          extensions: [0, 10, 11],
          groups: [23, 24, 25],
          pointFormats: [0],
        }),
      ),
    ).toBe('769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0');
    // no extensions at all: the last three fields stay empty
    expect(ja3String(print({ version: 769, ciphers: [4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99] }))).toBe(
      '769,4-5-10-9-100-98-3-6-19-18-99,,,',
    );
  });

  it('drops GREASE from ciphers, extensions and curves', () => {
    const s = ja3String(
      print({
        version: 771,
        ciphers: [0x0a0a, 4865, 0xfafa],
        extensions: [0x1a1a, 0, 0x2a2a, 10],
        groups: [0x3a3a, 29],
        pointFormats: [0],
      }),
    );
    expect(s).toBe('771,4865,0-10,29,0');
  });

  it('builds the JA3S string from ServerHello fields', () => {
    expect(ja3sString(771, 49199, [65281, 0, 11, 35, 16])).toBe('771,49199,65281-0-11-35-16');
    expect(ja3sString(768, 5, [])).toBe('768,5,');
  });
});

describe('JA4 (FoxIO JA4.md vectors)', () => {
  // https://github.com/FoxIO-LLC/ja4/blob/main/technical_details/JA4.md, "Cipher hash",
  // "Extension hash" and "Example".
  const ciphersWire = hexList('1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035');
  const extsWire = hexList('001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015');
  const sigs = hexList('0403,0804,0401,0503,0805,0501,0806,0601');
  const example = print({
    ciphers: ciphersWire,
    extensions: extsWire,
    sigAlgs: sigs,
    supportedVersions: [0x0304, 0x0303],
    firstAlpn: Buffer.from('h2'),
  });

  it('hashes the documented lists to the documented values', () => {
    expect(sha12('002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9')).toBe('8daaf6152771');
    expect(
      sha12(
        '0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
      ),
    ).toBe('e5627efa2ab1');
    expect(sha12('0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01')).toBe('6d807ffa2a79');
  });

  it('gives the documented fingerprint and raw form', () => {
    expect(ja4(example)).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
    expect(ja4Raw(example)).toBe(
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_' +
        '0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    );
  });

  it('ignores GREASE everywhere, including supported_versions', () => {
    const greasy = print({
      ...example,
      ciphers: [0x0a0a, ...ciphersWire],
      extensions: [0x1a1a, ...extsWire, 0x2a2a],
      sigAlgs: [0x3a3a, ...sigs],
      supportedVersions: [0x4a4a, 0x0304, 0x0303],
    });
    expect(ja4(greasy)).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
  });

  it('ends the extension string without "_" when there are no signature algorithms', () => {
    expect(ja4({ ...example, sigAlgs: [] })).toBe('t13d1516h2_8daaf6152771_6d807ffa2a79');
  });

  it('uses 000000000000 for empty lists and caps counts at 99', () => {
    expect(ja4(print({}))).toBe('t12i000000_000000000000_000000000000');
    const many = Array.from({ length: 150 }, (_, i) => i + 1);
    expect(ja4(print({ ciphers: many, extensions: many })).slice(0, 10)).toBe('t12i999900');
  });

  it('takes the version from supported_versions, else the legacy version', () => {
    expect(ja4(print({ version: 0x0301 })).slice(0, 4)).toBe('t10i');
    expect(ja4(print({ version: 0x0300 })).slice(0, 4)).toBe('ts3i');
    expect(ja4(print({ version: 0x0303, supportedVersions: [0x0302, 0x0304] })).slice(0, 4)).toBe('t13i');
    expect(ja4(print({ version: 0xfefd, transport: 'd' })).slice(0, 4)).toBe('dd2i');
    expect(ja4(print({ version: 0x1234 })).slice(0, 4)).toBe('t00i');
  });

  it('prints ALPN characters as JA4.md describes', () => {
    expect(ja4Alpn(undefined)).toBe('00');
    expect(ja4Alpn(Buffer.alloc(0))).toBe('00');
    expect(ja4Alpn(Buffer.from('h2'))).toBe('h2');
    expect(ja4Alpn(Buffer.from('http/1.1'))).toBe('h1');
    expect(ja4Alpn(Buffer.from('h3-29'))).toBe('h9');
    expect(ja4Alpn(Buffer.from('a'))).toBe('aa'); // single character: first and last
    // JA4.md examples for non-alphanumeric first/last bytes
    expect(ja4Alpn(Buffer.from([0xab]))).toBe('ab');
    expect(ja4Alpn(Buffer.from([0xab, 0xcd]))).toBe('ad');
    expect(ja4Alpn(Buffer.from([0x30, 0xab]))).toBe('3b');
    expect(ja4Alpn(Buffer.from([0x30, 0x31, 0xab, 0xcd]))).toBe('3d');
    expect(ja4Alpn(Buffer.from([0x30, 0xab, 0xcd, 0x31]))).toBe('01');
  });

  it('matches Suricata ja4.rs test_get_hash (QUIC, non-empty lists)', () => {
    // OISF/suricata rust/src/ja4.rs: ciphers 1111, 0a20, bada; extensions GREASE, SNI,
    // ALPN h3-16, face, 0121, 1234; signature algorithm 6666.
    const s = ja4(
      print({
        transport: 'q',
        ciphers: [0x1111, 0x0a20, 0xbada],
        extensions: [0x0a0a, 0x0000, 0x0010, 0xface, 0x0121, 0x1234],
        sigAlgs: [0x6666],
        firstAlpn: Buffer.from('h3-16'),
      }),
    );
    expect(s).toBe('q12d0305h6_f500716053f9_2debc8880bae');
  });
});

describe('JA3 + JA4 of one real Chrome ClientHello', () => {
  // Chrome 143 (Android) as reported by tls.browserleaks.com (quoted in
  // github.com/service0427/v2_cp_app tls.md): ja3_text / ja3_hash and ja4 / ja4_ro.
  const chrome = print({
    version: 771,
    ciphers: [0x5a5a, ...hexList('1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035')],
    extensions: [
      0x8a8a,
      ...hexList('002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b'),
      0x9a9a,
    ],
    groups: [0x7a7a, 4588, 29, 23, 24],
    pointFormats: [0],
    sigAlgs: hexList('0403,0804,0401,0503,0805,0501,0806,0601'),
    supportedVersions: [0x2a2a, 0x0304, 0x0303],
    firstAlpn: Buffer.from('h2'),
  });
  it('gives the published JA3', () => {
    const s = ja3String(chrome);
    expect(s).toBe(
      '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,' +
        '45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0',
    );
    expect(ja3Hash(s)).toBe('98487aa16281980e7d1120d399efb6a4');
  });
  it('gives the published JA4', () => {
    expect(ja4(chrome)).toBe('t13d1516h2_8daaf6152771_d8a2da3f94cd');
  });
});

describe('hexDigest', () => {
  it('is createHash over the latin1 bytes, for ASCII and for anything else', () => {
    for (const s of ['', '771,4865-4866,0-10,29,0', 'caf\u00e9 \u00ff\u0080', 'x'.repeat(5000)]) {
      for (const alg of ['md5', 'sha1', 'sha256'] as const) {
        expect(hexDigest(alg, s)).toBe(createHash(alg).update(s, 'latin1').digest('hex'));
      }
    }
    expect(ja3Hash('caf\u00e9')).toBe(createHash('md5').update(Buffer.from('caf\u00e9', 'latin1')).digest('hex'));
  });
});
