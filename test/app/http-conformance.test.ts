// HTTP parser conformance with Suricata (libhtp) on the HTTP cases of the suricata-verify
// set (/work/shared/conformance/suricata-verify/tests). Each case's pcap goes through the
// real decode + flow + app stages (see http-conformance.harness.ts); each row below stands
// for one rule of the case's test.rules: the buffer the rule inspects, what it looks for in
// it, and how many transactions must match (expected.json's alert `count`: one alert per
// rule per transaction). The rows were derived by hand from the rules, so only the HTTP
// buffer part of each rule is checked here (the detect engine does the rest).

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HttpTx } from '../../src/app/http.js';
import { caseTransactions, type HarnessOptions, SV_TESTS } from './http-conformance.harness.js';

type Pick = (tx: HttpTx) => (Buffer | undefined)[];

// Buffers as Suricata names them; a rule without a direction inspects both sides.
const fileData: Pick = (tx) => [tx.requestBody, tx.responseBody];
const fileDataToServer: Pick = (tx) => [tx.requestBody];
const requestBody: Pick = (tx) => [tx.requestBody];
const responseBody: Pick = (tx) => [tx.responseBody];
const uri: Pick = (tx) => [tx.uri];
const host: Pick = (tx) => [tx.host];
const userAgent: Pick = (tx) => [tx.userAgent];
const statCode: Pick = (tx) => [tx.statusCodeBuf];
const method: Pick = (tx) => [tx.method];
const requestHeaders: Pick = (tx) => [tx.requestHeaders];
const responseHeaders: Pick = (tx) => [tx.responseHeaders];

type Test = (b: Buffer) => boolean;
const has =
  (s: string, nocase = false): Test =>
  (b) =>
    nocase ? b.toString('latin1').toLowerCase().includes(s.toLowerCase()) : b.includes(Buffer.from(s, 'latin1'));
const re =
  (r: RegExp): Test =>
  (b) =>
    r.test(b.toString('latin1'));
const all =
  (...ts: Test[]): Test =>
  (b) =>
    ts.every((t) => t(b));

const EICAR = '|X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

interface Row {
  sid: number;
  pick: Pick;
  test: Test;
  count: number;
  /** Several buffers of one rule that must all hold (per transaction). */
  and?: Array<[Pick, Test]>;
}

interface Case {
  name: string;
  rows: Row[];
  opts?: HarnessOptions;
  /** Why the case needs the harness's stand-in for a stage outside the HTTP parser. */
  outside?: string;
}

const EVADERS = [
  '038', '090', '091', '105', '107', '114', '142', '148', '195', '209', '212', '233', '239', '248', '303', '375',
  '393', '416', '439', '453', '461', '482',
];

const CASES: Case[] = [
  ...EVADERS.map(
    (n): Case => ({
      name: `http-evader-${n}`,
      rows: [
        { sid: 1, pick: fileData, test: has('EICAR-STANDARD-ANTIVIRUS-TEST-FILE'), count: 1 },
        { sid: 2, pick: fileData, test: has('X5O!P%@AP[4'), count: 1 },
      ],
    }),
  ),
  {
    name: 'http-async',
    rows: [
      { sid: 1, pick: fileData, test: has('World'), count: 1 },
      { sid: 2, pick: fileData, test: has('People'), count: 1 },
    ],
  },
  // flow:from_server; content:"ng1nx"; nocase; http_header
  { name: 'http-close-headers', rows: [{ sid: 1, pick: responseHeaders, test: has('ng1nx', true), count: 1 }] },
  {
    name: 'http-encoding-gzip-uncompressed',
    rows: [
      {
        sid: 2038629,
        pick: requestBody,
        test: re(/"sdk_version":.*"app_package":".*"app_version":".*"device_id":"/s),
        count: 1,
      },
    ],
  },
  {
    name: 'http-encoding-identity',
    rows: [{ sid: 1, pick: fileData, test: has('identity content-encoding works'), count: 1 }],
  },
  {
    name: 'http-post-data-decompression',
    rows: [
      { sid: 1, pick: requestBody, test: has('name', true), count: 1 },
      { sid: 2, pick: responseBody, test: has('name', true), count: 0 },
    ],
  },
  // flow:to_server; file_data; the whole EICAR string
  { name: 'http-post-file', rows: [{ sid: 1, pick: fileDataToServer, test: has(EICAR.slice(1)), count: 1 }] },
  { name: 'http-uri-spaces', rows: [{ sid: 1, pick: uri, test: has(' afterspace'), count: 1 }] },
  {
    name: 'bug-2576-04',
    rows: [
      { sid: 3, pick: fileData, test: has('content=IE=Edge'), count: 1 },
      { sid: 4, pick: fileData, test: has('content=IE=Edge'), count: 1 },
    ],
  },
  {
    name: 'bug-7552-01',
    rows: [{ sid: 1, pick: statCode, test: has('200'), count: 1 }],
    opts: { byContent: true },
    outside: 'mid-stream flow whose first packet is the response: the flow engine must reverse it',
  },
  { name: 'decode-chdlc-01', rows: [{ sid: 666, pick: method, test: has('GET'), count: 1 }] },
  // (not an HTTP-buffer rule: app-layer-protocol:!http must not match, so the flow must be
  // HTTP although its request has an unknown method)
  { name: 'detect-app-layer-protocol-03', rows: [{ sid: 1, pick: method, test: has('NOTMETHOD'), count: 1 }] },
  {
    name: 'detect-bsize-0',
    rows: [
      { sid: 46, pick: userAgent, test: (b) => b.length === 0, count: 1 },
      { sid: 47, pick: userAgent, test: (b) => !b.includes(0x75), count: 1 },
    ],
  },
  {
    name: 'detect-pcre-01',
    rows: [
      { sid: 1, pick: requestBody, test: re(/DOCTYPE/), count: 1 },
      { sid: 2, pick: requestBody, test: re(/blah/), count: 0 },
    ],
  },
  {
    name: 'detect-pcre-05',
    rows: [
      { sid: 1, pick: requestHeaders, test: all(has('User-Agent: '), re(/User-Agent: .*\r\n/)), count: 1 },
      { sid: 3, pick: responseHeaders, test: all(has('Server: '), re(/Server: .*\r\n/)), count: 1 },
      { sid: 4, pick: requestHeaders, test: all(has('User-Agent: '), has('xyz')), count: 0 },
      { sid: 5, pick: responseHeaders, test: all(has('Server: '), has('xyz')), count: 0 },
    ],
    opts: { byContent: true },
    outside: 'the Server header is in a mid-stream flow made of one response: the flow engine must reverse it',
  },
  {
    name: 'detect-uricontent-01',
    rows: [
      { sid: 1, pick: uri, test: has('foo'), count: 0 },
      { sid: 2, pick: uri, test: has('one'), count: 1 },
      { sid: 3, pick: uri, test: has('oisf'), count: 0 },
    ],
  },
  {
    name: 'detect-uricontent-02',
    rows: [
      { sid: 1, pick: uri, test: has('foo'), count: 0 },
      { sid: 2, pick: uri, test: has('one'), count: 2 },
      { sid: 3, pick: uri, test: has('self'), count: 1 },
    ],
  },
  {
    name: 'detect-uricontent-03',
    rows: [
      { sid: 1, pick: uri, test: has('foo'), count: 0 },
      // "one" in [1, 11), "two" 1 byte after it within 4, "three" 1 byte after that within 6
      { sid: 3, pick: uri, test: re(/^.{1,7}one.two.three/s), count: 1 },
      { sid: 4, pick: uri, test: has('one'), count: 1 },
    ],
  },
  {
    name: 'bug-5929-01',
    rows: [1, 2, 3, 4].map((sid) => ({
      sid,
      pick: uri,
      test: (b: Buffer) => b.length < 70 && /\.php\?.{4}=01&/s.test(b.toString('latin1')),
      count: 1,
    })),
  },
  {
    name: 'bug-7851-01',
    rows: [
      { sid: 1, pick: host, test: (b) => b.length < 3 && /^.{1,2}$/s.test(b.toString('latin1')), count: 0 },
      { sid: 2, pick: host, test: (b) => b.length < 3, count: 0 },
      { sid: 3, pick: host, test: re(/^.{1,2}$/s), count: 0 },
    ],
  },
  ...[1, 2, 3].map(
    (n): Case => ({
      name: `detect-content-ends-with-negated-0${n}`,
      rows: [
        {
          sid: 1,
          pick: method,
          test: has('GET'),
          count: n === 2 ? 0 : 1,
          and: [
            [uri, (b) => b.toString('latin1').endsWith('.exe')],
            [
              host,
              (b) => !b.toString('latin1').endsWith('.google.com') && (n !== 3 || b.includes('example.com')),
            ],
          ],
        },
      ],
    }),
  ),
  {
    name: 'flowbit-oring',
    // sid 4 (stat_code "200", flowbit fb1 set by http_header "testmyids.com" on the same tx)
    rows: [{ sid: 4, pick: statCode, test: has('200'), count: 1, and: [[requestHeaders, has('testmyids.com')]] }],
  },
];

function matches(tx: HttpTx, pick: Pick, test: Test): boolean {
  return pick(tx).some((b) => b !== undefined && test(b));
}

describe.skipIf(!existsSync(SV_TESTS))('HTTP buffers as Suricata builds them (suricata-verify)', () => {
  for (const c of CASES) {
    const title = c.outside === undefined ? c.name : `${c.name} (stand-in: ${c.outside})`;
    it(title, () => {
      const txs = caseTransactions(c.name, c.opts);
      for (const r of c.rows) {
        const n = txs.filter((tx) => matches(tx, r.pick, r.test) && (r.and ?? []).every(([p, t]) => matches(tx, p, t)));
        expect(n.length, `${c.name} sid ${r.sid}`).toBe(r.count);
      }
    });
  }
});
