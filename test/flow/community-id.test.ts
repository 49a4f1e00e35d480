// Community ID v1 against the spec's published vectors (corelight/community-id-spec).

import { describe, expect, it } from 'vitest';
import { communityId } from '../../src/flow/community-id.js';

const ip = (s: string): Buffer => Buffer.from(s.split('.').map(Number));

describe('community id v1', () => {
  it('matches the spec vector for TCP, in either direction', () => {
    const want = '1:LQU9qZlK+B5F3KDmev6m5PMibrg=';
    expect(communityId(ip('128.232.110.120'), ip('66.35.250.204'), 6, 34855, 80)).toBe(want);
    expect(communityId(ip('66.35.250.204'), ip('128.232.110.120'), 6, 80, 34855)).toBe(want);
  });

  it('matches the spec vectors for UDP and SCTP', () => {
    expect(communityId(ip('192.168.1.52'), ip('8.8.8.8'), 17, 54585, 53)).toBe('1:d/FP5EW3wiY1vCndhwleRRKHowQ=');
    expect(communityId(ip('192.168.170.8'), ip('192.168.170.56'), 132, 7, 7)).toBe('1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=');
  });

  it('gives an ICMP echo request and its reply the same id', () => {
    const a = communityId(ip('10.0.0.1'), ip('10.0.0.2'), 1, 8, 0);
    const b = communityId(ip('10.0.0.2'), ip('10.0.0.1'), 1, 0, 0);
    expect(a).toBe(b);
  });
});
