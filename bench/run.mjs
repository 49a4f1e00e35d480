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
import { openCaptureFile } from '../dist/capture/open.js';
import { FileSource } from '../dist/capture/file-source.js';
import { Pipeline } from '../dist/pipeline.js';
import { DEFAULT_DECODER_CONFIG } from '../dist/decode/defaults.js';

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
  const t0 = performance.now();
  const source = new FileSource([pcap]);
  const pipeline = new Pipeline({
    eveTypes: new Set(),
    context: { fromFile: true },
    decoder: DEFAULT_DECODER_CONFIG,
  });
  await source.run(pipeline.packet, pipeline.onPacket);
  return { frames: pipeline.decodeStats.pkts, sec: (performance.now() - t0) / 1000 };
}

function replayCli() {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [join(root, 'bin/vsids.js'), 'replay', pcap, '--log-level', 'warn'], {
    encoding: 'utf8',
  });
  const sec = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`vsids replay failed: ${res.stderr}`);
  const rss = /peak RSS (\d+) MiB/.exec(res.stderr);
  return { sec, rssMiB: rss ? Number(rss[1]) : NaN, summary: res.stderr.trim() };
}

const mpps = (frames, sec) => (frames / sec / 1e6).toFixed(2);

ensureWorkload();
const size = statSync(pcap).size;
console.log(`workload: ${pcap} (${(size / 1e6).toFixed(0)} MB), best of ${runs} runs, node ${process.version}`);

const ro = best(readOnly);
console.log(`read only (zero-copy reader):   ${mpps(ro.frames, ro.sec)} Mpps  (${ro.frames} frames, ${(size / ro.sec / 1e6).toFixed(0)} MB/s)`);

const pp = await pcapParserRead();
console.log(`read only (pcap-parser stream): ${mpps(pp.frames, pp.sec)} Mpps  (for comparison: why it is not the hot path)`);

let rd = null;
for (let i = 0; i < runs; i++) {
  const r = await readDecode();
  if (rd === null || r.sec < rd.sec) rd = r;
}
console.log(`read + decode (in process):     ${mpps(rd.frames, rd.sec)} Mpps`);
console.log(`  RSS after read + decode:      ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`);

const cli = best(replayCli);
console.log(`vsids replay (no rules, CLI):   ${mpps(ro.frames, cli.sec)} Mpps wall time incl. start-up (${cli.sec.toFixed(2)} s), peak RSS ${cli.rssMiB} MiB`);
