import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SSH_EVENTS, type SshTx, sshParser } from '../../src/app/ssh.js';
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


type Chunk = [Direction, Buffer | string];

function run(chunks: Chunk[], opts: { end?: boolean } = {}) {
  const sink = new RecordingSink<SshTx>('ssh');
  const st = sshParser.create(sink, {});
  for (const [dir, data] of chunks) {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const big = Buffer.alloc(b.length + 9, 0xee);
    b.copy(big, 5);
    st.parse(dir, big, 5, 5 + b.length, 0, 0);
  }
  if (opts.end !== false) st.end();
  return { sink, st };
}

function splitEvery(chunks: Chunk[], step: number): Chunk[] {
  const out: Chunk[] = [];
  for (const [d, data] of chunks) {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (let i = 0; i < b.length; i += step) out.push([d, b.subarray(i, i + step)]);
  }
  return out;
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};

/** RFC 4253 6 binary packet, padded to a multiple of 8 (unencrypted). */
function packet(payload: Buffer): Buffer {
  let pad = 8 - ((5 + payload.length) % 8);
  if (pad < 4) pad += 8;
  return Buffer.concat([u32(1 + payload.length + pad), Buffer.from([pad]), payload, Buffer.alloc(pad)]);
}

/** KEXINIT (RFC 4253 7.1) with the ten name-lists in order. */
function kexinit(lists: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([20]), Buffer.alloc(16, 0x5c)];
  for (const l of lists) parts.push(u32(l.length), Buffer.from(l));
  parts.push(Buffer.from([0]), u32(0));
  return packet(Buffer.concat(parts));
}

const newkeys = () => packet(Buffer.from([21]));

// OpenSSH 7.x lists: the vectors of Suricata's rust/src/ssh/parser.rs tests
// (test_parse_hassh / test_parse_hassh_server), also the salesforce/hassh README example.
const KEX =
  'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,' +
  'diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,' +
  'diffie-hellman-group14-sha256,diffie-hellman-group14-sha1';
const ENC =
  'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com';
const MAC =
  'umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,' +
  'hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1';
const CLIENT_KEXINIT = kexinit([
  `${KEX},ext-info-c`,
  'ssh-ed25519,rsa-sha2-512',
  ENC,
  ENC,
  MAC,
  MAC,
  'none,zlib@openssh.com,zlib',
  'none,zlib@openssh.com,zlib',
  '',
  '',
]);
const SERVER_KEXINIT = kexinit([
  KEX,
  'ssh-rsa,rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519',
  'aes128-ctr', // c2s differs from s2c on purpose: hasshServer uses s2c
  ENC,
  'hmac-sha1',
  MAC,
  'none',
  'none,zlib@openssh.com',
  '',
  '',
]);

let validator: ValidateFunction | undefined;
function expectValidEve(tx: AppTx): Record<string, unknown> {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(SHARED, 'reference/eve.schema.json'), 'utf8')) as {
      properties: { ssh: object };
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addKeyword('suricata');
    validator = ajv.compile(schema.properties.ssh);
  }
  const eve = tx.toEve();
  const ok = validator(eve);
  expect(validator.errors ?? [], JSON.stringify(eve)).toEqual([]);
  expect(ok).toBe(true);
  return eve;
}

const conversation = (): Chunk[] => [
  [TO_SERVER, 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n'],
  [TO_CLIENT, 'SSH-2.0-OpenSSH_7.4\r\n'],
  [TO_SERVER, CLIENT_KEXINIT],
  [TO_CLIENT, SERVER_KEXINIT],
  [TO_SERVER, Buffer.concat([packet(Buffer.concat([Buffer.from([30]), Buffer.alloc(36, 1)])), newkeys()])],
  [TO_CLIENT, Buffer.concat([packet(Buffer.concat([Buffer.from([31]), Buffer.alloc(300, 2)])), newkeys()])],
  [TO_SERVER, Buffer.alloc(500, 0x99)], // encrypted
  [TO_CLIENT, Buffer.alloc(500, 0x98)],
];

describe('ssh probe', () => {
  it('wants "SSH-" at the start of either direction', () => {
    const b = Buffer.from('SSH-2.0-x\r\n');
    for (const dir of [TO_SERVER, TO_CLIENT] as const) {
      expect(sshParser.probe(b, 0, b.length, dir)).toBe(PROBE_YES);
      for (let n = 0; n < 4; n++) expect(sshParser.probe(b, 0, n, dir)).toBe(PROBE_NEED_MORE);
    }
    const http = Buffer.from('GET / HTTP/1.1\r\n');
    expect(sshParser.probe(http, 0, http.length, TO_SERVER)).toBe(PROBE_NO);
    expect(sshParser.probe(Buffer.from('SSX'), 0, 3, TO_SERVER)).toBe(PROBE_NO);
    expect(sshParser.probe(Buffer.from('xSSH-'), 1, 5, TO_CLIENT)).toBe(PROBE_YES);
  });
});

describe('ssh banners', () => {
  it('parses both banners, KEXINIT (HASSH) and stops at NEWKEYS', () => {
    const { sink } = run(conversation());
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(tx.proto).toBe('ssh');
    expect(tx.id).toBe(0);
    expect(tx.client.proto?.toString()).toBe('2.0');
    expect(tx.client.software?.toString()).toBe('OpenSSH_8.9p1');
    expect(tx.client.comments?.toString()).toBe('Ubuntu-3ubuntu0.6');
    expect(tx.client.banner?.toString()).toBe('SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6');
    expect(tx.sshProto(TO_CLIENT)?.toString()).toBe('2.0');
    expect(tx.sshSoftware(TO_CLIENT)?.toString()).toBe('OpenSSH_7.4');
    expect(tx.server.comments).toBeUndefined();
    // HASSH vectors (Suricata parser.rs tests / salesforce hassh README)
    expect(tx.client.hasshString?.toString()).toBe(`${KEX},ext-info-c;${ENC};${MAC};none,zlib@openssh.com,zlib`);
    expect(tx.client.hassh?.toString()).toBe('ec7378c1a92f5a8dde7e8b7a1ddf33d1');
    expect(tx.server.hasshString?.toString()).toBe(`${KEX};${ENC};${MAC};none,zlib@openssh.com`);
    expect(tx.server.hassh?.toString()).toBe('b12d2871a1189eff20364cf5333619ee');
    expect(tx.server.hostKeyAlgorithms?.toString()).toContain('ssh-ed25519');
    expect(sink.steps).toEqual([
      { progress: TX_REQUEST_HEADERS, dir: TO_SERVER },
      { progress: TX_REQUEST_HEADERS | TX_RESPONSE_HEADERS, dir: TO_CLIENT },
      { progress: TX_REQUEST_HEADERS | TX_RESPONSE_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_DONE, dir: TO_CLIENT },
    ]);
    const eve = expectValidEve(tx);
    expect(eve).toEqual({
      client: {
        proto_version: '2.0',
        software_version: 'OpenSSH_8.9p1',
        hassh: { hash: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1', string: tx.client.hasshString?.toString() },
      },
      server: {
        proto_version: '2.0',
        software_version: 'OpenSSH_7.4',
        hassh: { hash: 'b12d2871a1189eff20364cf5333619ee', string: tx.server.hasshString?.toString() },
      },
    });
  });

  it('gives the same result for any split of the input', () => {
    const want = JSON.stringify(run(conversation()).sink.tx.toEve());
    for (const step of [1, 2, 3, 7, 16, 100]) {
      const { sink } = run(splitEvery(conversation(), step));
      expect(sink.events).toEqual([]);
      expect(JSON.stringify(sink.tx.toEve())).toBe(want);
    }
  });

  it('accepts LF-only lines, an empty software version, and server lines before the banner', () => {
    const { sink } = run([
      [TO_CLIENT, 'Welcome to the test host\r\nPlease behave\n'],
      [TO_CLIENT, 'SSH-1.99-Cisco-1.25\n'],
      [TO_SERVER, 'SSH-2.0-\r\n'],
    ]);
    expect(sink.events).toEqual([]);
    expect(sink.tx.server.proto?.toString()).toBe('1.99');
    expect(sink.tx.server.software?.toString()).toBe('Cisco-1.25');
    expect(sink.tx.client.software?.toString()).toBe('');
    expectValidEve(sink.tx);
  });

  it('reports a client that does not start with a banner, and stops that side', () => {
    const { sink } = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\n'],
      [TO_SERVER, 'SSH-2.0-late\r\n'],
      [TO_CLIENT, 'SSH-2.0-OpenSSH_9.0\r\n'],
    ]);
    expect(sink.events).toEqual(['ssh.invalid_banner']);
    expect(sink.tx.client.banner).toBeUndefined();
    expect(sink.tx.server.software?.toString()).toBe('OpenSSH_9.0');
    expect(sink.tx.progress).toBe(TX_RESPONSE_HEADERS | TX_REQUEST_DONE | TX_RESPONSE_DONE); // end()
    expect(expectValidEve(sink.tx)).toEqual({ server: { proto_version: '2.0', software_version: 'OpenSSH_9.0' } });
  });

  it('reports a banner without a protocol/software dash', () => {
    for (const line of ['SSH-2.0\r\n', 'SSH--soft\r\n', 'SSH-\r\n']) {
      const { sink } = run([[TO_SERVER, line]]);
      expect(sink.events, line).toEqual(['ssh.invalid_banner']);
      expect(sink.txs).toEqual([]);
    }
  });

  it('reports a too-long banner but keeps its fields', () => {
    const long = `SSH-2.0-OpenSSH_X ${'c'.repeat(300)}\r\n`;
    const { sink } = run(splitEvery([[TO_SERVER, long]], 17));
    expect(sink.events).toEqual(['ssh.long_banner']);
    expect(sink.tx.client.software?.toString()).toBe('OpenSSH_X');
    expect(sink.tx.client.banner?.length).toBe(255);
    // exactly at the limit: 253 characters + CR LF is fine, 254 is not
    const at = `SSH-2.0-${'s'.repeat(245)}\r\n`;
    expect(at.length).toBe(255);
    expect(run([[TO_SERVER, at]]).sink.events).toEqual([]);
    expect(run([[TO_SERVER, `SSH-2.0-${'s'.repeat(246)}\r\n`]]).sink.events).toEqual(['ssh.long_banner']);
    // a banner line that never ends: reported once, fields kept, no unbounded buffering
    const endless = Buffer.concat([Buffer.from('SSH-2.0-Endless '), Buffer.alloc(20000, 0x41)]);
    const r = run(splitEvery([[TO_CLIENT, endless]], 1000));
    expect(r.sink.events).toEqual(['ssh.long_banner']);
    expect(r.sink.tx.server.software?.toString()).toBe('Endless');
  });

  it('bounds lines before the server banner', () => {
    const { sink } = run([[TO_CLIENT, `${'x'.repeat(100)}\n`.repeat(100)]]);
    expect(sink.events).toEqual(['ssh.invalid_banner']);
    expect(sink.txs).toEqual([]);
  });

  it('reports an impossible packet length and stops', () => {
    const { sink } = run([
      [TO_SERVER, 'SSH-2.0-a\r\n'],
      [TO_SERVER, Buffer.concat([u32(1), Buffer.from([0, 20])])],
      [TO_SERVER, CLIENT_KEXINIT],
    ]);
    expect(sink.events).toEqual(['ssh.invalid_record']);
    expect(sink.tx.client.hassh).toBeUndefined();
    const big = run([
      [TO_CLIENT, 'SSH-2.0-b\r\n'],
      [TO_CLIENT, Buffer.concat([u32(0x7fffffff), Buffer.from([4, 20])])],
    ]);
    expect(big.sink.events).toEqual(['ssh.invalid_record']);
    const pad = run([
      [TO_CLIENT, 'SSH-2.0-b\r\n'],
      [TO_CLIENT, Buffer.concat([u32(12), Buffer.from([200, 20]), Buffer.alloc(10)])],
    ]);
    expect(pad.sink.events).toEqual(['ssh.invalid_record']);
  });

  it('reports a KEXINIT with bad name-list lengths', () => {
    const bad = packet(Buffer.concat([Buffer.from([20]), Buffer.alloc(16), u32(1000), Buffer.from('abc')]));
    const { sink } = run([
      [TO_SERVER, 'SSH-2.0-a\r\n'],
      [TO_SERVER, bad],
    ]);
    expect(sink.events).toEqual(['ssh.invalid_record']);
    expect(sink.tx.client.hassh).toBeUndefined();
  });

  it('does not buffer a huge KEXINIT', () => {
    const huge = kexinit([`${'k'.repeat(70000)}`, '', '', '', '', '', '', '', '', '']);
    const { sink } = run([
      [TO_SERVER, 'SSH-2.0-a\r\n'],
      [TO_SERVER, huge],
      [TO_SERVER, newkeys()],
    ]);
    expect(sink.events).toEqual(['ssh.long_kex_record']);
    expect(sink.tx.client.hassh).toBeUndefined();
  });

  it('never throws on truncated or corrupted input', () => {
    const all = Buffer.concat(conversation().map(([, b]) => (typeof b === 'string' ? Buffer.from(b) : b)));
    for (let n = 0; n < 400; n++) run([[TO_SERVER, all.subarray(0, n)]]);
    let seed = 99;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 300; i++) {
      const chunks = conversation().map(([d, b]) => {
        const c = Buffer.from(typeof b === 'string' ? Buffer.from(b) : b);
        if (c.length > 0 && rnd() % 2) c[rnd() % c.length] = rnd() & 0xff;
        return [d, c] as Chunk;
      });
      run(splitEvery(chunks, 1 + (rnd() % 50)));
    }
  });

  it('keeps packet framing across a gap inside a packet', () => {
    const sink = new RecordingSink<SshTx>('ssh');
    const st = sshParser.create(sink, null);
    const banner = Buffer.from('SSH-2.0-a\r\n');
    st.parse(TO_SERVER, banner, 0, banner.length, 0, 0);
    const ignore = packet(Buffer.concat([Buffer.from([2]), Buffer.alloc(100)]));
    st.parse(TO_SERVER, ignore, 0, 20, 0, 0);
    st.gap(TO_SERVER, 50);
    st.parse(TO_SERVER, ignore, 70, ignore.length, 0, 0);
    st.parse(TO_SERVER, CLIENT_KEXINIT, 0, CLIENT_KEXINIT.length, 0, 0);
    expect(sink.tx.client.hassh?.toString()).toBe('ec7378c1a92f5a8dde7e8b7a1ddf33d1');
    st.gap(TO_SERVER, 3); // between packets: framing lost, nothing more read
    st.parse(TO_SERVER, newkeys(), 0, 16, 0, 0);
    expect(sink.events).toEqual([]);
  });

  it('lists its events with an ssh. prefix', () => {
    for (const e of SSH_EVENTS) expect(e).toMatch(/^ssh\.[a-z_]+$/);
  });
});

// ---------------------------------------------------------------------------------------
// Real captures

/** Payloads of the connection to `serverPort`, in order, retransmissions dropped. */
function tcpChunks(path: string, serverPort: number): Chunk[] {
  const r = openCaptureFile(path);
  const out: Chunk[] = [];
  const next: [number, number] = [-1, -1];
  try {
    while (r.next()) {
      const p = decodeFrame(Buffer.from(r.data.subarray(r.start, r.start + r.caplen)), r.linkType);
      if (p.ipProto !== 6 || p.payloadLen <= 0) continue;
      const dir: Direction = p.dstPort === serverPort ? TO_SERVER : TO_CLIENT;
      if (next[dir] !== -1 && p.tcpSeq !== next[dir]) continue;
      next[dir] = (p.tcpSeq + p.payloadLen) >>> 0;
      out.push([dir, Buffer.from(p.data.subarray(p.payloadOff, p.payloadOff + p.payloadLen))]);
    }
  } finally {
    r.close();
  }
  return out;
}

/** HASSH of a capture's KEXINIT, computed here independently of the parser. */
function hasshOf(stream: Buffer, client: boolean): string {
  const lineEnd = stream.indexOf(0x0a);
  let p = lineEnd + 1;
  while (stream[p + 5] !== 20) p += 4 + stream.readUInt32BE(p);
  let q = p + 6 + 16;
  const lists: string[] = [];
  for (let i = 0; i < 8; i++) {
    const n = stream.readUInt32BE(q);
    lists.push(stream.toString('latin1', q + 4, q + 4 + n));
    q += 4 + n;
  }
  const s = client ? [lists[0], lists[2], lists[4], lists[6]] : [lists[0], lists[3], lists[5], lists[7]];
  return createHash('md5').update(s.join(';')).digest('hex');
}

describe('ssh on real captures', () => {
  it('tcpdump-ssh.pcap: OpenSSH 7.8 client, OpenSSH 7.4p1 Debian server', () => {
    const chunks = tcpChunks(join(SHARED, 'captures-corpus/pcaps/tcpdump-ssh.pcap'), 22);
    const { sink } = run(chunks);
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(tx.client.software?.toString()).toBe('OpenSSH_7.8');
    expect(tx.server.software?.toString()).toBe('OpenSSH_7.4p1');
    expect(tx.server.comments?.toString()).toBe('Debian-10+deb9u3');
    const ts = Buffer.concat(chunks.filter(([d]) => d === TO_SERVER).map(([, b]) => b as Buffer));
    const tc = Buffer.concat(chunks.filter(([d]) => d === TO_CLIENT).map(([, b]) => b as Buffer));
    expect(tx.client.hassh?.toString()).toBe(hasshOf(ts, true));
    expect(tx.server.hassh?.toString()).toBe(hasshOf(tc, false));
    const eve = expectValidEve(tx);
    expect(eve).toMatchObject({
      client: { proto_version: '2.0', software_version: 'OpenSSH_7.8' },
      server: { proto_version: '2.0', software_version: 'OpenSSH_7.4p1' },
    });
    // same result byte by byte
    const { sink: s1 } = run(splitEvery(chunks, 1));
    expect(JSON.stringify(s1.tx.toEve())).toBe(JSON.stringify(eve));
  });

  it('zeek-ssh-single-conn.pcap: SSH-1.99 server, SSH-2.0 client', () => {
    const chunks = tcpChunks(join(SHARED, 'captures-corpus/pcaps/zeek-ssh-single-conn.pcap'), 22);
    const { sink } = run(chunks);
    expect(sink.events).toEqual([]);
    const tx = sink.tx;
    expect(tx.server.proto?.toString()).toBe('1.99');
    expect(tx.server.software?.toString()).toBe('OpenSSH_3.9p1');
    expect(tx.client.software?.toString()).toBe('OpenSSH_3.8.1p1');
    const ts = Buffer.concat(chunks.filter(([d]) => d === TO_SERVER).map(([, b]) => b as Buffer));
    expect(tx.client.hassh?.toString()).toBe(hasshOf(ts, true));
    expect(sink.steps[0]).toEqual({ progress: TX_RESPONSE_HEADERS, dir: TO_CLIENT }); // server spoke first
    expectValidEve(tx);
  });
});

describe('ssh fields read on demand', () => {
  /** Feed every chunk from one scratch buffer that is overwritten after each call. */
  function runReused(chunks: Chunk[]) {
    const sink = new RecordingSink<SshTx>('ssh');
    const st = sshParser.create(sink, {});
    const scratch = Buffer.alloc(128 * 1024);
    for (const [dir, data] of chunks) {
      const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      b.copy(scratch, 11);
      st.parse(dir, scratch, 11, 11 + b.length, 0, 0);
      scratch.fill(0x2d); // '-', '-', ...: a stale byte would show in banners and lists
    }
    st.end();
    return sink;
  }
  const sideFields = (s: SshTx['client']) =>
    [s.banner, s.proto, s.software, s.comments, s.hasshString, s.hassh, s.kexAlgorithms, s.hostKeyAlgorithms].map(
      (b) => b?.toString('latin1'),
    );

  it('keeps banners and KEXINIT lists in its own copies, for any split of the input', () => {
    const ref = run(conversation()).sink.tx;
    const want = JSON.stringify([sideFields(ref.client), sideFields(ref.server), ref.toEve()]);
    for (const step of [1, 3, 40, 1000]) {
      const sink = runReused(splitEvery(conversation(), step));
      expect(sink.events).toEqual([]);
      const tx = sink.tx;
      expect(JSON.stringify([sideFields(tx.client), sideFields(tx.server), tx.toEve()])).toBe(want);
    }
    expect(ref.client.hassh?.toString()).toBe('ec7378c1a92f5a8dde7e8b7a1ddf33d1');
    expect(ref.client.hassh).toBe(ref.client.hassh);
  });

  it('a long banner and lines before the server banner, cut anywhere', () => {
    const chunks: Chunk[] = [
      [TO_CLIENT, `Welcome\r\n${'w'.repeat(300)}\r\nSSH-2.0-Long_${'s'.repeat(280)} and more\r\n`],
      [TO_SERVER, 'SSH-2.0-Client_1.0 with comments\r\n'],
    ];
    const ref = run(chunks).sink;
    expect(ref.events).toEqual(['ssh.long_banner']);
    expect(ref.tx.server.banner?.length).toBe(255);
    const want = JSON.stringify([sideFields(ref.tx.client), sideFields(ref.tx.server)]);
    for (const step of [1, 2, 9, 100, 254, 255, 256]) {
      const sink = runReused(splitEvery(chunks, step));
      expect(sink.events).toEqual(['ssh.long_banner']);
      expect(JSON.stringify([sideFields(sink.tx.client), sideFields(sink.tx.server)])).toBe(want);
    }
  });

  it('a server that never ends its line: the banner so far is kept', () => {
    const chunks: Chunk[] = [[TO_CLIENT, `SSH-2.0-Endless ${'e'.repeat(9000)}`]];
    const ref = run(chunks).sink;
    const want = JSON.stringify(sideFields(ref.tx.server));
    for (const step of [1, 7, 512, 9000]) {
      const sink = runReused(splitEvery(chunks, step));
      expect(sink.events).toEqual(ref.events);
      expect(JSON.stringify(sideFields(sink.tx.server))).toBe(want);
    }
  });
});
