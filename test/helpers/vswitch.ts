// A real virtual switch for end-to-end tests: two "VMs" (network namespaces) plugged into
// a Linux bridge through veth pairs, and a mirror port (another veth pair) that receives
// a copy of everything crossing the VM ports via tc mirred. Needs root, `ip` and `tc`.
//
// Names carry a random suffix so parallel runs do not collide; VM addresses live only
// inside the namespaces. destroy() removes everything created, also after a partial build.

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface VSwitch {
  /** Namespaces of VM A and VM B. */
  nsA: string;
  nsB: string;
  /** Interface name of each VM's NIC inside its namespace. */
  vmIf: string;
  ipA: string;
  ipB: string;
  bridge: string;
  /** Host ends of the VM veths (the bridge ports that are mirrored). */
  portA: string;
  portB: string;
  /** Mirror port to capture on (host namespace) and its peer. */
  mirror: string;
  mirrorPeer: string;
  /** Remove every namespace, link and qdisc created. Never throws. */
  destroy(): void;
}

export interface VSwitchOptions {
  /** Mirror traffic entering the bridge from the VMs (default true). */
  mirrorIngress?: boolean;
  /** Mirror traffic leaving the bridge towards the VMs (default true). */
  mirrorEgress?: boolean;
}

/** Full path of an executable on PATH (or the sbin dirs), or null. */
export function findExecutable(name: string): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not there or not executable: try the next location.
    }
  }
  return null;
}

/** Why a virtual switch cannot be built here, or null when it can. */
export function vswitchUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, bridge, tc)';
  for (const tool of ['ip', 'tc']) {
    if (findExecutable(tool) === null) return `needs the '${tool}' command (iproute2)`;
  }
  if (pingCommand() === null) return "needs 'ping' or 'python3' to send ICMP echo requests";
  return null;
}

/** Run a command, throwing with its stderr when it fails. */
export function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
}

/** Run a command, ignoring failure (cleanup). */
function tryRun(cmd: string, args: string[]): void {
  spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
}

// A minimal ping for hosts without iputils: raw ICMP socket, one echo per interval,
// exit 0 when every request got its reply. Arguments: destination, count.
const PY_PING = `
import os, socket, struct, sys, time
dst, count = sys.argv[1], int(sys.argv[2])
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(0.2)
ident, got = os.getpid() & 0xffff, 0
for seq in range(1, count + 1):
    body = b'vsids-ping-%04d' % seq + b'.'
    hdr = struct.pack('!BBHHH', 8, 0, 0, ident, seq)
    s.sendto(struct.pack('!BBHHH', 8, 0, csum(hdr + body), ident, seq) + body, (dst, 0))
    end = time.time() + 1.0
    while time.time() < end:
        try:
            pkt = s.recv(2048)
        except socket.timeout:
            continue
        ihl = (pkt[0] & 15) * 4
        t, _, _, i, q = struct.unpack('!BBHHH', pkt[ihl:ihl + 8])
        if t == 0 and i == ident and q == seq:
            got += 1
            break
    time.sleep(0.2)
sys.exit(0 if got == count else 1)
`;

/** The command that sends `count` echo requests to `dst`: ping if present, else python3. */
function pingCommand(): ((dst: string, count: number) => string[]) | null {
  const ping = findExecutable('ping');
  if (ping !== null) return (dst, count) => [ping, '-n', '-c', String(count), '-i', '0.2', '-W', '1', dst];
  const py = findExecutable('python3');
  if (py !== null) return (dst, count) => [py, '-c', PY_PING, dst, String(count)];
  return null;
}

/**
 * Ping `dst` from namespace `ns`; rejects when a reply is missing. Asynchronous, so an
 * in-process capture keeps receiving while the pings run.
 */
export async function pingFrom(ns: string, dst: string, count: number): Promise<void> {
  const cmd = pingCommand();
  if (cmd === null) throw new Error('no ping and no python3');
  const [bin, ...args] = cmd(dst, count);
  try {
    await execFileAsync('ip', ['netns', 'exec', ns, bin!, ...args], { timeout: 30_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`ping ${dst} from ${ns} failed: ${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`, { cause: err });
  }
}

/** Kill the processes still running in a namespace (started by the test inside it). */
function killNamespaceProcesses(ns: string): void {
  const out = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of out.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Build the switch. On failure everything created so far is removed before rethrowing. */
export function createVSwitch(opts: VSwitchOptions = {}): VSwitch {
  const rand = randomBytes(3).toString('hex');
  const subnet = 1 + (randomBytes(1)[0]! % 254);
  const sw: VSwitch = {
    nsA: `vsidsA-${rand}`,
    nsB: `vsidsB-${rand}`,
    vmIf: 'eth0',
    ipA: `10.199.${subnet}.1`,
    ipB: `10.199.${subnet}.2`,
    bridge: `vsbr${rand}`,
    portA: `vsa${rand}`,
    portB: `vsb${rand}`,
    mirror: `mir${rand}`,
    mirrorPeer: `mip${rand}`,
    destroy: () => destroy(sw),
  };
  try {
    build(sw, opts);
  } catch (err) {
    sw.destroy();
    throw err;
  }
  return sw;
}

function build(sw: VSwitch, opts: VSwitchOptions): void {
  run('ip', ['link', 'add', sw.bridge, 'type', 'bridge']);
  run('ip', ['link', 'set', sw.bridge, 'up']);
  addVm(sw, sw.nsA, sw.portA, sw.ipA);
  addVm(sw, sw.nsB, sw.portB, sw.ipB);

  run('ip', ['link', 'add', sw.mirror, 'type', 'veth', 'peer', 'name', sw.mirrorPeer]);
  for (const dev of [sw.mirror, sw.mirrorPeer]) {
    quietIpv6(dev);
    run('ip', ['link', 'set', dev, 'up']);
  }

  // matchall and flower are not available on every kernel; u32 matching nothing is.
  for (const port of [sw.portA, sw.portB]) {
    run('tc', ['qdisc', 'add', 'dev', port, 'clsact']);
    const directions = [opts.mirrorIngress !== false ? 'ingress' : '', opts.mirrorEgress !== false ? 'egress' : ''];
    for (const dir of directions.filter(Boolean)) {
      const filter = `filter add dev ${port} ${dir} protocol all u32 match u32 0 0 action mirred egress mirror dev ${sw.mirror}`;
      run('tc', filter.split(' '));
    }
  }
}

/** One VM: namespace, veth whose host end is a bridge port, address inside the namespace. */
function addVm(sw: VSwitch, ns: string, port: string, ip: string): void {
  run('ip', ['netns', 'add', ns]);
  const tmpIf = `${port}p`;
  run('ip', ['link', 'add', port, 'type', 'veth', 'peer', 'name', tmpIf]);
  run('ip', ['link', 'set', tmpIf, 'netns', ns]);
  run('ip', ['-n', ns, 'link', 'set', tmpIf, 'name', sw.vmIf]);
  run('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', sw.vmIf]);
  run('ip', ['-n', ns, 'link', 'set', sw.vmIf, 'up']);
  run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  quietIpv6(port);
  run('ip', ['link', 'set', port, 'master', sw.bridge]);
  run('ip', ['link', 'set', port, 'up']);
}

/** No IPv6 link-local chatter (router/neighbour solicitations) from host-side links. */
function quietIpv6(dev: string): void {
  tryRun('sysctl', ['-q', '-w', `net.ipv6.conf.${dev}.disable_ipv6=1`]);
}

function destroy(sw: VSwitch): void {
  for (const port of [sw.portA, sw.portB]) tryRun('tc', ['qdisc', 'del', 'dev', port, 'clsact']);
  // Deleting one end of a veth deletes its peer, in whatever namespace it is.
  for (const dev of [sw.portA, sw.portB, sw.mirror, sw.bridge]) tryRun('ip', ['link', 'del', dev]);
  for (const ns of [sw.nsA, sw.nsB]) {
    killNamespaceProcesses(ns);
    tryRun('ip', ['netns', 'del', ns]);
  }
}

/** Names of links and namespaces of this switch that still exist (for leak checks). */
export function leftovers(sw: VSwitch): string[] {
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
  const nss = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const names = [sw.bridge, sw.portA, sw.portB, sw.mirror, sw.mirrorPeer];
  const left = names.filter((n) => new RegExp(`^\\d+: ${n}[@:]`, 'm').test(links));
  for (const ns of [sw.nsA, sw.nsB]) if (new RegExp(`^${ns}\\b`, 'm').test(nss)) left.push(ns);
  return left;
}
