#!/usr/bin/env node
// Micro-benchmark of the Aho–Corasick prefilter (src/detect/mpm/aho-corasick.ts), run after `npm run build`:
//   node bench/mpm.mjs [--layout auto|full32|full16|compact32|compact16|all] [--mb 100] [--chunk 1514]
// Patterns: every content:"..." of the benchmark rule set (../shared/bench/rules/suricata.rules), with its nocase
// flag, |hex| decoded, one id per content. Input: the first --mb MB of the benchmark capture, bytes as they are
// (pcap headers included), scanned as one buffer and in --chunk-byte slices (about one frame each, like the
// engine's per-packet calls). Prints build time, states, memory, and MB/s for scan (callback per match) and
// scanMark (mark distinct ids); best of VSIDS_BENCH_RUNS (default 3). Asserts nothing. Environment:
//   VSIDS_BENCH_PCAP   capture to read (default $TMPDIR/vsids-bench-1m.pcap)
//   VSIDS_BENCH_RULES  rules file (default ../shared/bench/rules/suricata.rules)
//   VSIDS_BENCH_RUNS   repetitions per figure (default 3)

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MpmBuilder } from '../dist/detect/mpm/aho-corasick.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.VSIDS_BENCH_RUNS ?? 3);
const pcap = process.env.VSIDS_BENCH_PCAP ?? join(tmpdir(), 'vsids-bench-1m.pcap');
const rulesPath = process.env.VSIDS_BENCH_RULES ?? resolve(root, '../shared/bench/rules/suricata.rules');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
const layoutArg = arg('layout', 'auto');
const megabytes = Number(arg('mb', '100'));
const chunk = Number(arg('chunk', '1514'));

/** content:"..." strings with their nocase flag; |hex| and \x escapes decoded. */
function ruleContents(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!/^\s*(alert|drop|reject|pass)\s/.test(line)) continue;
    const found = [...line.matchAll(/content:\s*!?"((?:[^"\\]|\\.)*)"/g)];
    found.forEach((m, i) => {
      const rest = line.slice(m.index + m[0].length, found[i + 1]?.index ?? line.length);
      out.push({ bytes: decodeContent(m[1]), nocase: /;\s*nocase\s*;/.test(rest) });
    });
  }
  return out;
}

function decodeContent(s) {
  const b = [];
  let hex = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '|') hex = !hex;
    else if (hex) {
      if (c === ' ') continue;
      b.push(Number.parseInt(s.slice(i, i + 2), 16));
      i++;
    } else if (c === '\\') b.push(s.charCodeAt(++i));
    else b.push(s.charCodeAt(i));
  }
  return Uint8Array.from(b);
}

function readHead(path, bytes) {
  const buf = Buffer.allocUnsafe(bytes);
  const fd = openSync(path, 'r');
  let got = 0;
  try {
    while (got < bytes) {
      const n = readSync(fd, buf, got, bytes - got, got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, got);
}

/** Best wall time and best CPU time (user + system of this process) over `runs` runs. */
function best(fn) {
  let top = null;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = fn();
    const sec = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    if (top === null) top = { sec, cpu, result };
    top.sec = Math.min(top.sec, sec);
    top.cpu = Math.min(top.cpu, cpu);
  }
  return top;
}

const contents = ruleContents(readFileSync(rulesPath, 'latin1'));
const data = readHead(pcap, Math.round(megabytes * 1024 * 1024));
const mb = data.length / 1e6;
console.log(`rules ${rulesPath}: ${contents.length} contents (${contents.filter((c) => c.nocase).length} nocase)`);
console.log(
  `input ${pcap}: first ${mb.toFixed(1)} MB; ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}; ` +
    `best of ${runs}; load average ${loadavg()[0].toFixed(1)}`,
);

const layouts = layoutArg === 'all' ? ['full32', 'full16', 'compact32', 'compact16'] : [layoutArg];
for (const layout of layouts) {
  const tb = performance.now();
  const builder = new MpmBuilder();
  contents.forEach((c, id) => builder.add(c.bytes, id, c.nocase));
  let m;
  try {
    m = builder.build({ layout });
  } catch (e) {
    console.log(`${layout}: ${e.message}`);
    continue;
  }
  const buildMs = performance.now() - tb;
  console.log(
    `\n${m.layout}: build ${buildMs.toFixed(0)} ms, ${m.patternCount} patterns, ${m.idCount} ids, ` +
      `${m.states} states, ${m.classes} classes, memory ${(m.memoryBytes / 1048576).toFixed(2)} MiB`,
  );

  // The callback does nothing: scan() counts the calls and returns the count.
  const onMatch = () => {};
  const seen = new Uint8Array(m.idLimit);
  const hits = new Int32Array(m.idLimit);
  const report = (what, r, extra) =>
    console.log(
      `  ${what.padEnd(28)} ${(mb / r.sec).toFixed(0).padStart(6)} MB/s ` +
        `(${(mb / r.cpu).toFixed(0).padStart(5)} per CPU-second)  ${extra}`,
    );

  const scanWhole = best(() => m.scan(data, 0, data.length, onMatch));
  report('scan (one buffer)', scanWhole, `${scanWhole.result} matches`);

  const scanChunks = best(() => {
    let n = 0;
    for (let off = 0; off < data.length; off += chunk) {
      n += m.scan(data, off, Math.min(off + chunk, data.length), onMatch);
    }
    return n;
  });
  report(`scan (${chunk}-byte slices)`, scanChunks, `${scanChunks.result} matches`);

  const markWhole = best(() => {
    seen.fill(0);
    return m.scanMark(data, 0, data.length, seen, hits);
  });
  report('scanMark (one buffer)', markWhole, `${markWhole.result} distinct ids`);

  const markChunks = best(() => {
    seen.fill(0);
    let n = 0;
    for (let off = 0; off < data.length; off += chunk) {
      const k = m.scanMark(data, off, Math.min(off + chunk, data.length), seen, hits);
      for (let j = 0; j < k; j++) seen[hits[j]] = 0; // the engine's clear: only the ids it marked
      n += k;
    }
    return n;
  });
  report(`scanMark (${chunk}-byte slices)`, markChunks, `${markChunks.result} ids marked in total`);
}
