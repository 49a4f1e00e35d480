// Harness for the HTTP conformance test (http-conformance.test.ts): runs a suricata-verify
// case's pcap through the real decode + flow + app stages (a FlowEngine with inspectBodies,
// as the pipeline drives it) and collects the HTTP transactions it reports.
//
// A stand-in for what the flow engine does not do yet, used only where a case says so:
//   * `byContent`: the TCP payloads are fed to an HTTP parser directly, each connection's
//     client being the side whose first payload is not a status line ("HTTP/"). This is what
//     Suricata does for a mid-stream session whose first packet is a response (it reverses
//     the flow when the protocol is recognised on the other direction); vsids's flow engine
//     takes the first sender as the client, so such a flow never reaches the HTTP parser.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpParser, type HttpTx } from '../../src/app/http.js';
import { type AppParserState, type AppSink, type AppTx, type Direction, TO_CLIENT, TO_SERVER } from '../../src/app/types.js';
import { openCaptureFile } from '../../src/capture/open.js';
import { Packet } from '../../src/core/packet.js';
import { DecodeStats, decodePacket, decodeReassembled } from '../../src/decode/decoder.js';
import { registerDefaultDecoders } from '../../src/decode/defaults.js';
import { DEFAULT_DEDUP_CONFIG, MirrorDedup } from '../../src/flow/dedup.js';
import { Defragmenter } from '../../src/flow/defrag.js';
import { DEFAULT_FLOW_ENGINE_CONFIG, FlowEngine, type FlowListener } from '../../src/flow/engine.js';
import { REASON_SHUTDOWN } from '../../src/flow/flow-table.js';

export const SV_TESTS = '/work/shared/conformance/suricata-verify/tests';

export interface HarnessOptions {
  /** Feed payloads to the parser directly, client chosen by content (see above). */
  byContent?: boolean;
}

/** The pcap of a case folder. */
export function casePcap(name: string): string {
  const dir = join(SV_TESTS, name);
  const pcap = readdirSync(dir).find((f) => f.endsWith('.pcap') || f.endsWith('.pcapng'));
  if (pcap === undefined) throw new Error(`${name}: no pcap`);
  return join(dir, pcap);
}

/** The HTTP transactions of a case's pcap, in the order they were first reported. */
export function caseTransactions(name: string, opts: HarnessOptions = {}): HttpTx[] {
  const path = casePcap(name);
  return opts.byContent ? byContentTransactions(path) : pcapTransactions(path);
}

/** Every frame of a capture, decoded into one reused Packet. */
function eachPacket(path: string, fn: (p: Packet, stats: DecodeStats) => void): void {
  registerDefaultDecoders();
  const stats = new DecodeStats();
  const p = new Packet();
  const r = openCaptureFile(path);
  try {
    let n = 0;
    while (r.next()) {
      p.data = r.data;
      p.start = r.start;
      p.caplen = r.caplen;
      p.len = r.len;
      p.tsSec = r.tsSec;
      p.tsNsec = r.tsNsec;
      p.linkType = r.linkType;
      p.ifIndex = r.ifIndex;
      p.frameNo = ++n;
      decodePacket(p, stats);
      fn(p, stats);
    }
  } finally {
    r.close();
  }
}

/** Decode + dedup + defrag + FlowEngine, as src/pipeline.ts drives them. */
export function pcapTransactions(path: string): HttpTx[] {
  const txs: HttpTx[] = [];
  const seen = new Set<AppTx>();
  const listener: FlowListener = {
    flowEnd() {},
    transaction(_e, _idx, tx) {
      if (tx.proto !== 'http' || seen.has(tx)) return;
      seen.add(tx);
      txs.push(tx as HttpTx);
    },
    flowAnomaly() {},
  };
  const engine = new FlowEngine({ ...DEFAULT_FLOW_ENGINE_CONFIG, inspectBodies: true, midstream: true }, listener);
  const dedup = new MirrorDedup(DEFAULT_DEDUP_CONFIG);
  const defrag = new Defragmenter({});
  const q = new Packet();
  eachPacket(path, (p, stats) => {
    if (p.l3Off >= 0 && dedup.isDuplicate(p)) return;
    if (p.isFragment) {
      const rb = defrag.add(p, p.tsSec);
      if (rb === null) return;
      decodeReassembled(q, p, rb.data, rb.ipOff, stats);
      engine.process(q);
      return;
    }
    engine.process(p);
  });
  engine.shutdown(REASON_SHUTDOWN);
  return txs;
}

/** A sink collecting transactions (anomalies ignored). */
class TxSink implements AppSink {
  readonly txs: HttpTx[] = [];
  txProgress(_flow: unknown, tx: AppTx): void {
    if (tx.proto === 'http' && !this.txs.includes(tx as HttpTx)) this.txs.push(tx as HttpTx);
  }
  anomaly(): void {}
}

/** TCP payloads fed to HTTP parsers directly, in capture order, retransmissions dropped. */
function byContentTransactions(path: string): HttpTx[] {
  const sink = new TxSink();
  const parser = createHttpParser({});
  const conns = new Map<string, { st: AppParserState; client: string; next: Map<string, number> }>();
  eachPacket(path, (p) => {
    if (p.ipProto !== 6 || p.payloadLen <= 0) return;
    const alen = p.ipVersion === 4 ? 4 : 16;
    const src = `${p.data.toString('hex', p.srcAddrOff, p.srcAddrOff + alen)}:${p.srcPort}`;
    const dst = `${p.data.toString('hex', p.dstAddrOff, p.dstAddrOff + alen)}:${p.dstPort}`;
    const key = [src, dst].sort().join('/');
    let c = conns.get(key);
    if (c === undefined) {
      const response = p.data.toString('latin1', p.payloadOff, p.payloadOff + 5) === 'HTTP/';
      c = { st: parser.create(sink, key), client: response ? dst : src, next: new Map() };
      conns.set(key, c);
    }
    const want = c.next.get(src);
    if (want !== undefined && want !== p.tcpSeq) return;
    c.next.set(src, (p.tcpSeq + p.payloadLen) >>> 0);
    const dir: Direction = src === c.client ? TO_SERVER : TO_CLIENT;
    c.st.parse(dir, p.data, p.payloadOff, p.payloadOff + p.payloadLen, p.tsSec, p.tsNsec);
  });
  for (const c of conns.values()) c.st.end();
  return sink.txs;
}
