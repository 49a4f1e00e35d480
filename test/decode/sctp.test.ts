// SCTP decoder: common header, verification tag, and the bounded chunk walk.

import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { MAX_SCTP_CHUNKS } from '../../src/decode/sctp.js';
import { decodeFrame, describe as decodeJson, decodeWith, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, ipv4, ipv6, V4_A, V4_B, V6_A, V6_B } from '../helpers/frames.js';

/** Ethernet II + IPv4 (192.0.2.1 -> 192.0.2.2, protocol 132; checksum left 0). `frag` is the flags/offset word. */
const sctpFrame = (sctp: string, frag = '0000') => hex(eth('0800', ipv4(132, V4_A, V4_B, sctp, frag)));

/** Common header: ports 2905 -> 2905 (M3UA), verification tag, checksum 0. */
const common = (vtag: string) => `0b59 0b59 ${vtag} 00000000\n`;
const INIT = '01 00 0014 11223344 00010000 000a 000a 00000001  # INIT: tag, a_rwnd, streams, TSN\n';
const SACK = '03 00 0010 00000005 00010000 0000 0000  # SACK: cumulative TSN 5\n';
const DATA = '00 03 0015 00000006 0001 0000 00000003 68656c6c6f 000000  # DATA "hello", 21 + 3 padding\n';

describe('sctp', () => {
  it('decodes an INIT: ports, verification tag 0', () => {
    const frame = sctpFrame(common('00000000') + INIT);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/sctp');
    expect(d).toMatchObject({ src_ip: '192.0.2.1', proto: 'sctp', src_port: 2905, dest_port: 2905 });
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.sctpVtag).toBe(0);
    expect(p.l4HdrLen).toBe(12);
    expect(p.payloadLen).toBe(20);
  });

  it('walks bundled chunks with their padding', () => {
    const p = decodeFrame(sctpFrame(common('a1b2c3d4') + SACK + DATA));
    expect(describePacket(p).anomalies).toBeUndefined();
    expect(p.sctpVtag).toBe(0xa1b2c3d4);
    expect(p.payloadLen).toBe(16 + 24);
  });

  it('decodes SCTP over IPv6', () => {
    const sctp = common('a1b2c3d4') + DATA;
    const d = decodeJson(hex(eth('86dd', ipv6(132, V6_A, V6_B, sctp))));
    expect(d).toMatchObject({ src_ip: '2001:db8::1', proto: 'sctp', dest_port: 2905 });
    expect(d.anomalies).toBeUndefined();
  });

  describe('verification tag and bundling rules (RFC 9260 6.10, 8.5)', () => {
    it('flags DATA with tag 0', () => {
      expect(decodeJson(sctpFrame(common('00000000') + DATA)).anomalies).toEqual(['sctp.data_with_zero_vtag']);
    });
    it('flags INIT with a non-zero tag', () => {
      expect(decodeJson(sctpFrame(common('a1b2c3d4') + INIT)).anomalies).toEqual(['sctp.init_with_non_zero_vtag']);
    });
    it('flags INIT bundled with another chunk', () => {
      expect(decodeJson(sctpFrame(common('00000000') + INIT + SACK)).anomalies).toEqual(['sctp.init_chunk_bundled']);
      expect(decodeJson(sctpFrame(common('00000000') + SACK + INIT)).anomalies).toEqual(['sctp.init_chunk_bundled']);
    });
  });

  describe('malformed', () => {
    it('shows the ports of a 4-byte header and stops with sctp.pkt_too_small', () => {
      expect(decodeJson(sctpFrame('0b59 0b59'))).toMatchObject({ src_port: 2905, anomalies: ['sctp.pkt_too_small'] });
      expect(decodeJson(sctpFrame('0b59 0b')).src_port).toBeUndefined();
    });

    it('rejects a chunk length below 4 (sctp.chunk_len_invalid)', () => {
      const p = decodeFrame(sctpFrame(`${common('a1b2c3d4')} 03 00 0002 00000000  # length 2`));
      expect(describePacket(p)).toMatchObject({ src_port: 2905, anomalies: ['sctp.chunk_len_invalid'] });
      expect(p.invalid).toBe(true);
    });

    it('rejects a chunk running past the datagram (sctp.chunk_len_invalid)', () => {
      const d = decodeJson(sctpFrame(`${common('a1b2c3d4')} 03 00 0040 00000005 00010000 0000 0000  # length 64`));
      expect(d.anomalies).toEqual(['sctp.chunk_len_invalid']);
    });

    it('rejects bytes too few for a chunk header (sctp.chunk_too_small)', () => {
      expect(decodeJson(sctpFrame(`${common('a1b2c3d4')} ${SACK} 0b00  # 2 stray bytes`)).anomalies).toEqual([
        'sctp.chunk_too_small',
      ]);
    });

    it(`stops after ${MAX_SCTP_CHUNKS} chunks (sctp.too_many_chunks)`, () => {
      const cookieAck = '0b 00 0004 ';
      expect(decodeJson(sctpFrame(common('a1b2c3d4') + cookieAck.repeat(MAX_SCTP_CHUNKS))).anomalies).toBeUndefined();
      const p = decodeFrame(sctpFrame(common('a1b2c3d4') + cookieAck.repeat(MAX_SCTP_CHUNKS + 1)));
      expect(describePacket(p).anomalies).toEqual(['sctp.too_many_chunks']);
      expect(p.invalid).toBe(false);
    });

    it('notes a chunk cut by the snap length (sctp.trunc_pkt) without calling it invalid', () => {
      const full = sctpFrame(common('a1b2c3d4') + SACK + DATA);
      const p = decodeWith(full.subarray(0, full.length - 10), { len: full.length });
      expect(describePacket(p)).toMatchObject({ src_port: 2905, anomalies: ['sctp.trunc_pkt'] });
      expect(p.invalid).toBe(false);
    });

    it('expects a first fragment to end inside a chunk', () => {
      const d = decodeJson(sctpFrame(`${common('a1b2c3d4')} 00 03 0400 00000006 0001 0000 00000003 6869`, '2000'));
      expect(d).toMatchObject({ src_port: 2905, dest_port: 2905 });
      expect(d.anomalies).toBeUndefined();
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frame = sctpFrame(common('a1b2c3d4') + SACK + DATA);
    expectTruncationSafe(frame);
  });
});
