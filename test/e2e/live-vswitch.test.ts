// End-to-end live capture on a real virtual switch: two namespace "VMs" on a Linux bridge,
// both bridge ports mirrored with tc to a mirror port. Checks the in-process LiveSource +
// decoder on ping and a TCP echo exchange, then the CLI (`decode -i`, `run -i`) as child
// processes. Needs root with `ip` and `tc`; skipped elsewhere with the reason.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LiveSource } from '../../src/capture/live.js';
import { CaptureError } from '../../src/capture/source.js';
import { Packet } from '../../src/core/packet.js';
import { DecodeStats, decodePacket } from '../../src/decode/decoder.js';
import { registerDefaultDecoders } from '../../src/decode/defaults.js';
import { describePacket, type FrameDescription } from '../../src/decode/describe.js';
import { createVSwitch, leftovers, pingFrom, type VSwitch, vswitchUnavailableReason } from '../helpers/vswitch.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO, 'bin', 'vsids.js');
const CLI_BUILD = join(REPO, 'dist', 'cli', 'main.js');

const skipReason = vswitchUnavailableReason();
if (skipReason !== null) console.warn(`live-vswitch e2e tests skipped: ${skipReason}`);

registerDefaultDecoders();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll until cond() holds; false when the timeout passes first. */
async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** A capture running in this process, decoding every frame into a description. */
class Capture {
  readonly frames: FrameDescription[] = [];
  readonly decodeStats = new DecodeStats();
  readonly source: LiveSource;
  readonly done: Promise<void>;

  constructor(iface: string, bpf: string) {
    this.source = new LiveSource({ iface, bpf, bufferSize: 4 * 1024 * 1024 });
    this.done = this.source.run(new Packet(), (p) => {
      decodePacket(p, this.decodeStats);
      this.frames.push(describePacket(p));
    });
  }
}

/** Children started by a test, killed after it whatever happened. */
const children = new Set<ChildProcess>();

function startChild(
  cmd: string,
  args: string[],
  cwd = REPO,
): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  return { child, out: () => out, err: () => err };
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`process ${child.pid} still running after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

async function killChildren(): Promise<void> {
  for (const child of [...children]) {
    child.kill('SIGKILL');
    await waitExit(child, 5000).catch(() => {});
  }
}

// Tiny TCP echo server and client run inside the VM namespaces.
const ECHO_SERVER = `
const net = require('net');
const srv = net.createServer((s) => { s.pipe(s); s.on('close', () => srv.close()); });
srv.listen(0, process.argv[1], () => console.log('listening ' + srv.address().port));
`;
const ECHO_CLIENT = `
const net = require('net');
const [host, port, msg] = process.argv.slice(1);
let got = '';
const c = net.connect(Number(port), host, () => c.write(msg));
c.setEncoding('utf8');
c.on('data', (d) => { got += d; if (got.length >= msg.length) c.end(); });
c.on('close', () => process.stdout.write(got));
`;

/** Start the echo server in `ns` on `ip`; resolves with its port. */
async function startEchoServer(ns: string, ip: string): Promise<{ child: ChildProcess; port: number }> {
  const srv = startChild('ip', ['netns', 'exec', ns, process.execPath, '-e', ECHO_SERVER, ip]);
  const ok = await waitFor(() => /listening \d+/.test(srv.out()) || srv.child.exitCode !== null, 10_000);
  const m = /listening (\d+)/.exec(srv.out());
  if (!ok || m === null) throw new Error(`echo server did not start: ${srv.err()}`);
  return { child: srv.child, port: Number(m[1]) };
}

/** Connect from `ns`, send `msg`, read the echo, close. Resolves with what came back. */
async function echoClient(ns: string, ip: string, port: number, msg: string): Promise<string> {
  const cli = startChild('ip', ['netns', 'exec', ns, process.execPath, '-e', ECHO_CLIENT, ip, String(port), msg]);
  const { code } = await waitExit(cli.child, 15_000);
  if (code !== 0) throw new Error(`echo client exited ${code}: ${cli.err()}`);
  return cli.out();
}

describe.skipIf(skipReason !== null)('live capture on a virtual switch (root)', () => {
  let sw: VSwitch;
  const captures: Capture[] = [];

  beforeAll(() => {
    sw = createVSwitch();
  });

  afterEach(async () => {
    await killChildren();
    // Captures are closed before any link goes away: cap aborts the process otherwise.
    for (const c of captures.splice(0)) c.source.stop();
  });

  afterAll(async () => {
    await killChildren();
    for (const c of captures.splice(0)) c.source.stop();
    if (sw === undefined) return;
    sw.destroy();
    expect(leftovers(sw)).toEqual([]);
  });

  const isTcp = (d: FrameDescription, src: string, dst: string) =>
    d.proto === 'tcp' && d.src_ip === src && d.dest_ip === dst;

  it('captures and decodes ping and a TCP exchange between two VMs, honouring the BPF filter', async () => {
    const t0 = Date.now();
    const filtered = new Capture(sw.mirror, 'icmp or tcp');
    const arpOnly = new Capture(sw.mirror, 'arp');
    captures.push(filtered, arpOnly);
    expect(filtered.source.linkType).toBe(1);
    await sleep(300);

    const server = await startEchoServer(sw.nsB, sw.ipB);
    await pingFrom(sw.nsA, sw.ipB, 3);
    const msg = 'hello from vsids e2e';
    expect(await echoClient(sw.nsA, sw.ipB, server.port, msg)).toBe(msg);
    await waitExit(server.child, 10_000);

    const { ipA, ipB } = sw;
    const port = server.port;
    const fromA = (d: FrameDescription) => isTcp(d, ipA, ipB) && d.dest_port === port;
    const fromB = (d: FrameDescription) => isTcp(d, ipB, ipA) && d.src_port === port;
    const teardownSeen = () => {
      const f = filtered.frames;
      const finB = f.findIndex((d) => fromB(d) && d.tcp_flags!.includes('F'));
      return finB >= 0 && f.slice(finB).some((d) => fromA(d) && d.tcp_flags === 'A');
    };
    expect(await waitFor(teardownSeen, 5000), 'TCP teardown not captured').toBe(true);
    await waitFor(() => arpOnly.frames.length >= 2, 2000);
    filtered.source.stop();
    arpOnly.source.stop();
    await Promise.all([filtered.done, arpOnly.done]);
    const frames = filtered.frames;

    // ICMP: echo requests A -> B and replies B -> A (each seen twice: both ports are mirrored).
    const icmp = frames.filter((d) => d.proto === 'icmp');
    expect(
      icmp.filter((d) => d.src_ip === ipA && d.dest_ip === ipB && d.icmp_type === 8).length,
    ).toBeGreaterThanOrEqual(3);
    expect(
      icmp.filter((d) => d.src_ip === ipB && d.dest_ip === ipA && d.icmp_type === 0).length,
    ).toBeGreaterThanOrEqual(3);

    // TCP: handshake and teardown, in order.
    const syn = frames.findIndex((d) => fromA(d) && d.tcp_flags === 'S');
    const synAck = frames.findIndex((d) => fromB(d) && d.tcp_flags === 'SA');
    const finA = frames.findIndex((d) => fromA(d) && d.tcp_flags!.includes('F') && d.tcp_flags!.includes('A'));
    const finB = frames.findIndex((d) => fromB(d) && d.tcp_flags!.includes('F') && d.tcp_flags!.includes('A'));
    expect(syn).toBeGreaterThanOrEqual(0);
    expect(synAck).toBeGreaterThan(syn);
    expect(finA).toBeGreaterThan(synAck);
    expect(finB).toBeGreaterThan(synAck);
    expect(frames.slice(finB).some((d) => fromA(d) && d.tcp_flags === 'A')).toBe(true);

    // Untagged switch, filter applied in the kernel: only ICMP and TCP, never ARP.
    for (const d of frames) {
      expect(d.vlan).toBeUndefined();
      expect(d.layers).not.toContain('arp');
      expect([1, 6]).toContain(d.ip_proto);
      expect(d.layers.slice(0, 2)).toEqual(['eth', 'ipv4']);
      expect(d.anomalies).toBeUndefined();
    }
    // ...while ARP did cross the switch (fresh namespaces resolve each other first).
    expect(arpOnly.frames.length).toBeGreaterThan(0);
    for (const d of arpOnly.frames) expect(d.layers).toEqual(['eth', 'arp']);

    // Frame numbers from 1, wall-clock timestamps in the test window and never going back.
    expect(frames.map((d) => d.frame)).toEqual(frames.map((_, i) => i + 1));
    const times = frames.map((d) => Date.parse(d.ts));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(times[0]!).toBeGreaterThanOrEqual(t0 - 1000);
    expect(times[times.length - 1]!).toBeLessThanOrEqual(Date.now() + 1000);
    for (const d of frames) expect(d.len).toBe(d.caplen);

    const stats = filtered.source.stats();
    expect(stats.packets).toBe(frames.length);
    expect(stats.bytes).toBe(frames.reduce((n, d) => n + d.caplen, 0));
    expect(stats.kernelDrops).toBe(0);
    expect(stats.ifDrops).toBe(0);
    expect(filtered.decodeStats.pkts).toBe(frames.length);
  });

  it('reports a bad filter and a missing interface as one-line CaptureErrors', () => {
    const bad = new LiveSource({ iface: sw.mirror, bpf: 'tcp and and' });
    expect(() => bad.open()).toThrow(CaptureError);
    expect(() => bad.open()).toThrow(new RegExp(`^live capture on ${sw.mirror}: bad BPF filter: .+`));
    const missing = `vsnone${sw.mirror.slice(3)}`;
    expect(() => new LiveSource({ iface: missing }).open()).toThrow(
      new RegExp(`^live capture on ${missing}: [^\\n]+$`),
    );
  });

  it('`vsids decode -i IFACE --bpf icmp --limit 4` prints four ICMP frames and exits 0', async () => {
    expect(existsSync(CLI_BUILD), `${CLI_BUILD} missing: run \`npm run build\` first`).toBe(true);
    const cli = startChild(process.execPath, [BIN, 'decode', '-i', sw.mirror, '--bpf', 'icmp', '--limit', '4']);
    const exited = waitExit(cli.child, 30_000);
    // The CLI's capture start is not observable: ping until it has its four frames.
    const deadline = Date.now() + 20_000;
    while (cli.child.exitCode === null && cli.child.signalCode === null && Date.now() < deadline) {
      await pingFrom(sw.nsA, sw.ipB, 1);
    }
    const { code } = await exited;
    expect(code, cli.err()).toBe(0);
    const lines = cli.out().trim().split('\n');
    expect(lines).toHaveLength(4);
    lines.forEach((line, i) => {
      const d = JSON.parse(line) as FrameDescription;
      expect(d.frame).toBe(i + 1);
      expect(d.ip_proto).toBe(1);
      expect([d.src_ip, d.dest_ip].sort()).toEqual([sw.ipA, sw.ipB].sort());
      expect([0, 8]).toContain(d.icmp_type);
      expect(d.vlan).toBeUndefined();
    });
  });

  it('`vsids run -i IFACE -l EVE` writes a stats event with capture.kernel_packets on SIGTERM', async () => {
    expect(existsSync(CLI_BUILD), `${CLI_BUILD} missing: run \`npm run build\` first`).toBe(true);
    const tmp = mkdtempSync(join(tmpdir(), 'vsids-live-'));
    try {
      const eve = join(tmp, 'eve.json');
      // cwd is the temporary directory, so a default ./data database lands there too.
      const args = [BIN, 'run', '-i', sw.mirror, '-l', eve];
      const cli = startChild(process.execPath, args, tmp);
      const running = () => cli.child.exitCode === null && cli.child.signalCode === null;
      // The EVE file appearing is the best sign of a started pipeline; give it a moment more.
      await waitFor(() => existsSync(eve) || !running(), 10_000);
      await sleep(500);
      expect(running(), `vsids run exited early: ${cli.err()}`).toBe(true);
      await pingFrom(sw.nsA, sw.ipB, 3);
      await sleep(300);
      cli.child.kill('SIGTERM');
      const { code, signal } = await waitExit(cli.child, 15_000);
      expect({ code, signal }, cli.err()).toEqual({ code: 0, signal: null });
      const events = readFileSync(eve, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event_type: string; stats?: { capture?: { kernel_packets?: number } } });
      const stats = events.filter((e) => e.event_type === 'stats');
      expect(stats.length, 'no stats event in EVE output').toBeGreaterThan(0);
      expect(stats[stats.length - 1]!.stats?.capture?.kernel_packets).toBeGreaterThan(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  it('`vsids run -S RULES` alerts on live traffic and reloads its rules on SIGHUP', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'vsids-live-'));
    try {
      const eve = join(tmp, 'eve.json');
      const rules = join(tmp, 'live.rules');
      writeFileSync(rules, 'alert icmp any any -> any any (msg:"ping before"; itype:8; sid:1;)\n');
      const cli = startChild(process.execPath, [BIN, 'run', '-i', sw.mirror, '-l', eve, '-S', rules], tmp);
      const running = () => cli.child.exitCode === null && cli.child.signalCode === null;
      await waitFor(() => existsSync(eve) || !running(), 10_000);
      await sleep(500);
      expect(running(), `vsids run exited early: ${cli.err()}`).toBe(true);
      await pingFrom(sw.nsA, sw.ipB, 2);
      await sleep(300);
      writeFileSync(rules, 'alert icmp any any -> any any (msg:"ping after"; itype:8; sid:2;)\n');
      cli.child.kill('SIGHUP');
      await waitFor(() => /rules reloaded/.test(cli.err()), 5000);
      await pingFrom(sw.nsA, sw.ipB, 2);
      await sleep(300);
      cli.child.kill('SIGTERM');
      const { code } = await waitExit(cli.child, 15_000);
      expect(code, cli.err()).toBe(0);
      const sids = readFileSync(eve, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event_type: string; alert?: { signature_id: number } })
        .filter((e) => e.event_type === 'alert')
        .map((e) => e.alert!.signature_id);
      expect(sids).toContain(1);
      expect(sids).toContain(2);
      // After the reload only the new rule runs: every sid 2 alert comes after the sid 1 ones.
      expect(sids.lastIndexOf(1)).toBeLessThan(sids.indexOf(2));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
