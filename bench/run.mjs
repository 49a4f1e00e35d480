#!/usr/bin/env node
// `npm run bench`: capture and decode speed on the shared benchmark workload
// (../shared/bench/gen-bench-pcap, 1M frames of mirrored inter-VM traffic by default).
// Prints figures; asserts nothing. Environment:
//   VSIDS_BENCH_PCAP     capture to use (default: $TMPDIR/vsids-bench-1m.pcap, generated if missing)
//   VSIDS_BENCH_PACKETS  frames to generate when the file is missing (default 1000000)
//   VSIDS_BENCH_RUNS     repetitions per figure, best is printed (default 3)

import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileSource } from '../dist/capture/file-source.js';
import { openCaptureFile } from '../dist/capture/open.js';
import { pipelineOptions } from '../dist/cli/common.js';
import { defaultConfig } from '../dist/config.js';
import { detectNeeds } from '../dist/detect/engine.js';
import { defaultClassifications } from '../dist/detect/rules/classification.js';
import { loadRules } from '../dist/detect/rules/loader.js';
import { defaultVars } from '../dist/detect/rules/vars.js';
import { Packet } from '../dist/core/packet.js';
import { DecodeStats, decodePacket } from '../dist/decode/decoder.js';
import { registerDefaultDecoders } from '../dist/decode/defaults.js';
import { Pipeline } from '../dist/pipeline.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const runs = Number(process.env.VSIDS_BENCH_RUNS ?? 3);
const pcap = process.env.VSIDS_BENCH_PCAP ?? join(tmpdir(), 'vsids-bench-1m.pcap');

function ensureWorkload() {
  if (existsSync(pcap)) return;
  const gen = resolve(root, '../shared/bench/gen-bench-pcap');
  const packets = process.env.VSIDS_BENCH_PACKETS ?? '1000000';
  process.stderr.write(`generating ${pcap} (${packets} frames) with ${gen} ...\n`);
  execFileSync('python3', [gen, '--packets', packets, '-o', `${pcap}.tmp`], { stdio: 'inherit' });
  renameSync(`${pcap}.tmp`, pcap);
}

function best(fn) {
  let top = null;
  for (let i = 0; i < runs; i++) {
    const r = fn();
    if (top === null || r.sec < top.sec) top = r;
  }
  return top;
}

function readOnly() {
  const t0 = performance.now();
  const r = openCaptureFile(pcap);
  let frames = 0;
  let bytes = 0;
  while (r.next()) {
    frames++;
    bytes += r.caplen;
  }
  r.close();
  return { frames, bytes, sec: (performance.now() - t0) / 1000 };
}

function pcapParserRead() {
  const pcapParser = require('pcap-parser');
  return new Promise((done) => {
    const t0 = performance.now();
    let frames = 0;
    const parser = pcapParser.parse(createReadStream(pcap, { highWaterMark: 4 << 20 }));
    parser.on('packet', () => frames++);
    parser.on('end', () => done({ frames, sec: (performance.now() - t0) / 1000 }));
  });
}

async function readDecode() {
  registerDefaultDecoders();
  const stats = new DecodeStats();
  const t0 = performance.now();
  const source = new FileSource([pcap]);
  await source.run(new Packet(), (p) => decodePacket(p, stats));
  return { frames: stats.pkts, sec: (performance.now() - t0) / 1000 };
}

/** decode + flow + app layer, in process, no outputs. */
async function readDecodeFlowApp() {
  const t0 = performance.now();
  const source = new FileSource([pcap]);
  const pipeline = new Pipeline(pipelineOptions(defaultConfig(), undefined, { fromFile: true }));
  await source.run(pipeline.packet, pipeline.onPacket);
  pipeline.finish();
  return { frames: pipeline.decodeStats.pkts, sec: (performance.now() - t0) / 1000, counts: pipeline.counts() };
}

/**
 * decode + flow + app (+ detect), in process, no outputs. With `rules`, the detect stage runs
 * them; with `needsOf`, the flow stage keeps what those rules would need (every TCP stream,
 * HTTP bodies) but no rule runs: the difference of the two is the detect stage's time.
 */
async function readWithRules(rules, detect) {
  // Start each run from a collected heap: earlier pipelines' garbage would be billed here.
  global.gc?.();
  const cfg = defaultConfig();
  const needs = detectNeeds(rules);
  cfg.flow = { ...cfg.flow, streamAll: needs.streams, inspectBodies: needs.bodies };
  const opts = pipelineOptions(cfg, undefined, { fromFile: true });
  if (detect) opts.detect = { rules, classifications: defaultClassifications() };
  const t0 = performance.now();
  const source = new FileSource([pcap]);
  const pipeline = new Pipeline(opts);
  const built = performance.now();
  await source.run(pipeline.packet, pipeline.onPacket);
  pipeline.finish();
  const end = performance.now();
  return {
    frames: pipeline.decodeStats.pkts,
    sec: (end - built) / 1000,
    buildSec: (built - t0) / 1000,
    counts: pipeline.counts(),
    detect: pipeline.detect,
  };
}

function replayCliRules(ruleArgs) {
  const t0 = performance.now();
  const res = spawnSync(
    process.execPath,
    [join(root, 'bin/vsids.js'), 'replay', pcap, ...ruleArgs, '--eve-types', 'alert', '--log-level', 'warn'],
    { encoding: 'utf8' },
  );
  const sec = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`vsids replay failed: ${res.stderr}`);
  // The summary's own clock: the packet loop, without start-up and rule loading.
  const m = /elapsed\s+([\d.]+) s/.exec(res.stderr);
  return { sec, loopSec: m ? Number(m[1]) : NaN };
}

/**
 * 1M concurrent flows: one TCP SYN each from a distinct client address and port, all
 * within a few seconds of packet time so none times out; prints flows, RSS, bytes/flow.
 */
function concurrentFlows(n) {
  const rssBefore = process.memoryUsage().rss;
  const cfg = defaultConfig();
  cfg.flow.table.maxFlows = n;
  const pipeline = new Pipeline(pipelineOptions(cfg, undefined, { fromFile: true }));
  const frame = Buffer.alloc(14 + 20 + 20);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(40, 16);
  frame[22] = 64;
  frame[23] = 6;
  frame.writeUInt32BE(0x0a420202, 30); // server 10.66.2.2
  frame.writeUInt16BE(5432, 36);
  frame[46] = 0x50;
  frame[47] = 0x02; // SYN
  const p = pipeline.packet;
  p.data = frame;
  p.start = 0;
  p.caplen = frame.length;
  p.len = frame.length;
  p.linkType = 1;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    frame.writeUInt32BE((0x0a000000 | ((i >>> 12) + 1)) >>> 0, 26); // client 10.x.y.z
    frame.writeUInt16BE(10000 + (i & 0xfff), 34);
    p.tsSec = 1_700_000_000 + Math.floor(i / 500_000);
    p.tsNsec = (i % 1000) * 1000;
    p.frameNo = i + 1;
    pipeline.onPacket(p);
  }
  const sec = (performance.now() - t0) / 1000;
  global.gc?.();
  const rss = process.memoryUsage().rss;
  return { flows: pipeline.flows.table.active, sec, rss, perFlow: (rss - rssBefore) / pipeline.flows.table.active };
}

function replayCli() {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [join(root, 'bin/vsids.js'), 'replay', pcap, '--no-default-rules', '--log-level', 'warn'], {
    encoding: 'utf8',
  });
  const sec = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`vsids replay failed: ${res.stderr}`);
  const rss = /peak RSS (\d+) MiB/.exec(res.stderr);
  return { sec, rssMiB: rss ? Number(rss[1]) : NaN, summary: res.stderr.trim() };
}

const mpps = (frames, sec) => (frames / sec / 1e6).toFixed(2);

if (process.argv[2] === '--concurrent-flows') {
  // Runs in its own process so its RSS is its own.
  const n = Number(process.argv[3]);
  const r = concurrentFlows(n);
  console.log(
    `concurrent flows:               ${r.flows} flows in ${(r.rss / 2 ** 20).toFixed(0)} MiB RSS (${r.perFlow.toFixed(0)} bytes/flow, ${(n / r.sec / 1e6).toFixed(2)} M new flows/s)`,
  );
  process.exit(0);
}

ensureWorkload();
const size = statSync(pcap).size;
console.log(`workload: ${pcap} (${(size / 1e6).toFixed(0)} MB), best of ${runs} runs, node ${process.version}`);

const ro = best(readOnly);
console.log(
  `read only (zero-copy reader):   ${mpps(ro.frames, ro.sec)} Mpps  (${ro.frames} frames, ${(size / ro.sec / 1e6).toFixed(0)} MB/s)`,
);

const pp = await pcapParserRead();
console.log(
  `read only (pcap-parser stream): ${mpps(pp.frames, pp.sec)} Mpps  (for comparison: why it is not the hot path)`,
);

let rd = null;
for (let i = 0; i < runs; i++) {
  const r = await readDecode();
  if (rd === null || r.sec < rd.sec) rd = r;
}
console.log(`read + decode (in process):     ${mpps(rd.frames, rd.sec)} Mpps`);
console.log(
  `  RSS after read + decode:      ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`,
);

let fa = null;
for (let i = 0; i < runs; i++) {
  const r = await readDecodeFlowApp();
  if (fa === null || r.sec < fa.sec) fa = r;
}
const c = fa.counts;
console.log(
  `read + decode + flow + app:     ${mpps(fa.frames, fa.sec)} Mpps  (${c.flows} flows; app ${JSON.stringify(c.appFlows)}; txs ${JSON.stringify(c.transactions)})`,
);
console.log(`  RSS after flow runs:          ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

const cli = best(replayCli);
console.log(
  `vsids replay (no rules, CLI):   ${mpps(ro.frames, cli.sec)} Mpps wall time incl. start-up (${cli.sec.toFixed(2)} s), peak RSS ${cli.rssMiB} MiB`,
);

// Signatures: the shared benchmark rule set and the bundled one. The time split is
// decode (read + decode run) / flow + app (the flow stage keeping what the rules need) /
// detect (the rest).
const ruleSets = [
  ['benchmark rules (../shared/bench/rules)', join(root, '../shared/bench/rules/suricata.rules')],
  ['bundled rules (signatures/)', join(root, 'signatures')],
];
for (const [label, path] of ruleSets) {
  if (!existsSync(path)) continue;
  const loaded = loadRules([path], defaultVars());
  let flowOnly = null;
  let full = null;
  for (let i = 0; i < runs; i++) {
    const f = await readWithRules(loaded.rules, false);
    if (flowOnly === null || f.sec < flowOnly.sec) flowOnly = f;
    const d = await readWithRules(loaded.rules, true);
    if (full === null || d.sec < full.sec) full = d;
  }
  const c = full.counts;
  const dc = full.detect.counters;
  const split = [
    `decode ${rd.sec.toFixed(2)} s`,
    `flow + app ${Math.max(0, flowOnly.sec - rd.sec).toFixed(2)} s`,
    `detect ${Math.max(0, full.sec - flowOnly.sec).toFixed(2)} s`,
  ].join(', ');
  console.log(
    `${label}: ${dc.rulesLoaded} rules (${loaded.rejected.length} rejected, ${dc.rulesNotPrefiltered} without prefilter, ${dc.pcreFallback} pcre on fallback), engine built in ${full.buildSec.toFixed(2)} s`,
  );
  console.log(
    `  decode + flow + app + detect: ${mpps(full.frames, full.sec)} Mpps in process (${split}); ${c.alerts} alerts from ${c.alertsBySid.size} rules`,
  );
  const cliRules = best(() => replayCliRules(['-S', path, '--no-default-rules', '-l', '/dev/null']));
  console.log(
    `  vsids replay with these rules (alerts to /dev/null): ${mpps(full.frames, cliRules.loopSec)} Mpps packet loop (${cliRules.loopSec.toFixed(2)} s), ${mpps(full.frames, cliRules.sec)} Mpps wall time incl. start-up and rule loading (${cliRules.sec.toFixed(2)} s)`,
  );
}

if (process.env.VSIDS_BENCH_FLOWS !== '0') {
  const n = Number(process.env.VSIDS_BENCH_FLOWS ?? 1_000_000);
  const res = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--concurrent-flows', String(n)],
    {
      encoding: 'utf8',
      env: { ...process.env },
    },
  );
  process.stdout.write(res.stdout);
  if (res.status !== 0) process.stderr.write(res.stderr);
}
