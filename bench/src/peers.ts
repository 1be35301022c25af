import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The peers, each installed in a folder of its own under bench/peers (never workspace dependencies; their
 * node_modules and virtual environment are git-ignored): set up on first use, and when a peer cannot be set up
 * the bench says why and carries on with the others.
 */
export interface PeerStatus {
  available: boolean;
  /** What is installed, e.g. "@rekog/mcp-nest 2.0.5" or "fastmcp 4.0.10 (Python 3.11.7)". */
  version?: string;
  /** Why it is not available. */
  reason?: string;
  /** How to start it: the program and its first arguments (the config JSON follows). */
  command?: string[];
}

export const PEER_DIRS = { 'mcp-nest': 'bench/peers/mcp-nest', fastmcp: 'bench/peers/fastmcp' } as const;
export type Peer = keyof typeof PEER_DIRS;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function shortError(error: unknown): string {
  const output = (error as { stderr?: Buffer | string }).stderr?.toString().trim().split('\n').slice(-3).join(' / ');
  return output || (error instanceof Error ? error.message : String(error));
}

function mcpNest(root: string, install: boolean): PeerStatus {
  const dir = resolve(root, PEER_DIRS['mcp-nest']);
  const installed = resolve(dir, 'node_modules/@rekog/mcp-nest/package.json');
  if (!existsSync(installed)) {
    if (!install) return { available: false, reason: `not installed (npm ci --prefix ${PEER_DIRS['mcp-nest']})` };
    log(`setting up @rekog/mcp-nest: npm ci --prefix ${PEER_DIRS['mcp-nest']}`);
    try {
      execFileSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    } catch (error) {
      return { available: false, reason: `npm ci failed: ${shortError(error)}` };
    }
  }
  const { version } = JSON.parse(readFileSync(installed, 'utf8')) as { version: string };
  return { available: true, version: `@rekog/mcp-nest ${version}`, command: [resolve(dir, 'server.mjs')] };
}

function fastmcp(root: string, install: boolean): PeerStatus {
  const dir = resolve(root, PEER_DIRS.fastmcp);
  const python = resolve(dir, '.venv/bin/python');
  const probe = () => execFileSync(python, ['-c', 'import fastmcp, uvicorn, uvloop, httptools, sys; print(fastmcp.__version__, sys.version.split()[0])'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString().trim();
  let found: string | undefined;
  try {
    found = existsSync(python) ? probe() : undefined;
  } catch {
    found = undefined;
  }
  if (!found) {
    if (!install) return { available: false, reason: `not installed (python3 -m venv ${PEER_DIRS.fastmcp}/.venv, then pip install -r requirements.txt)` };
    log(`setting up fastmcp: python3 -m venv ${PEER_DIRS.fastmcp}/.venv && pip install -r requirements.txt (can take minutes)`);
    try {
      execFileSync('python3', ['-m', 'venv', resolve(dir, '.venv')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
      const pip = (...extra: string[]) =>
        execFileSync(resolve(dir, '.venv/bin/pip'), ['install', '-q', ...extra, '-r', resolve(dir, 'requirements.txt')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 900_000 });
      // Without retries first: where an index is unreachable (a machine with local mirrors only) pip's retries of
      // every package there cost minutes; where the fast attempt fails, pip's own defaults get a second chance.
      try {
        pip('--retries', '0');
      } catch {
        pip();
      }
      found = probe();
    } catch (error) {
      return { available: false, reason: `setup failed: ${shortError(error)}` };
    }
  }
  const [version, pythonVersion] = found.split(' ');
  return { available: true, version: `fastmcp ${version} (Python ${pythonVersion}, uvicorn + uvloop + httptools, one worker)`, command: [python, resolve(dir, 'server.py')] };
}

/** Checks (and, with `install`, sets up) the peers asked for. */
export function preparePeers(root: string, wanted: readonly string[], install: boolean): Partial<Record<Peer, PeerStatus>> {
  const status: Partial<Record<Peer, PeerStatus>> = {};
  if (wanted.includes('mcp-nest')) status['mcp-nest'] = mcpNest(root, install);
  if (wanted.includes('fastmcp')) status.fastmcp = fastmcp(root, install);
  for (const [peer, state] of Object.entries(status)) {
    log(state.available ? `${peer}: ${state.version}` : `${peer}: skipped, ${state.reason}`);
  }
  return status;
}
