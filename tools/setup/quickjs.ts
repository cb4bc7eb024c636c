/**
 * Fetches the QuickJS sources from Debian's source package, verifies the
 * pinned checksum and unpacks them into cache/. Nothing of QuickJS is ever
 * committed. The archive's address comes from this machine's own apt
 * sources; apt runs with a private configuration under cache/apt, so the
 * system's apt setup is left exactly as it was.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from '../paths';
import { CommandError, isRoot, run } from '../run';

// #region pin
export const QUICKJS = {
  version: '2025-04-26',
  debianVersion: '2025.04.26',
  tarball: 'quickjs_2025.04.26.orig.tar.xz',
  sha256: 'ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe',
  /** Suites that carry this version, tried in order. */
  suites: { debian: ['trixie', 'forky', 'sid'], ubuntu: ['questing', 'plucky'] },
};
// #endregion pin

export const QUICKJS_DIR = join(CACHE, 'quickjs', `quickjs-${QUICKJS.debianVersion}`);
const VERIFIED_MARK = join(QUICKJS_DIR, '.kindling-verified');
const APT_DIR = join(CACHE, 'apt');

export interface AptSource {
  uri: string;
  signedBy?: string;
}

/** The archive URIs this machine's apt already uses (deb822 and one-line formats). */
export function machineAptSources(
  read: (path: string) => string | undefined = readIfExists,
  list: (dir: string) => string[] = listIfExists,
): AptSource[] {
  const sources: AptSource[] = [];
  const lineFile = read('/etc/apt/sources.list') ?? '';
  for (const line of lineFile.split('\n')) {
    const match = /^deb(?:-src)?\s+(?:\[([^\]]*)\]\s+)?(\S+)/.exec(line.trim());
    if (!match) continue;
    const signedBy = /signed-by=(\S+)/.exec(match[1] ?? '')?.[1];
    sources.push({ uri: match[2]!, ...(signedBy ? { signedBy } : {}) });
  }
  for (const name of list('/etc/apt/sources.list.d').filter((n) => n.endsWith('.sources'))) {
    for (const stanza of (read(`/etc/apt/sources.list.d/${name}`) ?? '').split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(.+)$/m.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      const signedBy = /^Signed-By:\s*(\S+)$/m.exec(stanza)?.[1];
      for (const uri of uris) sources.push({ uri, ...(signedBy ? { signedBy } : {}) });
    }
  }
  // Security and update mirrors carry no source packages of other suites.
  return sources.filter((s) => !/security/.test(s.uri) && /^https?:/.test(s.uri));
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
function listIfExists(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function distribution(): 'debian' | 'ubuntu' {
  const release = readIfExists('/etc/os-release') ?? '';
  return /^ID=ubuntu/m.test(release) ? 'ubuntu' : 'debian';
}

/** Runs apt-get with a private sources list and private state under cache/apt. */
function privateApt(args: string[], cwd: string): string {
  const options = [
    `-o`,
    `Dir::Etc::SourceList=${join(APT_DIR, 'sources.list')}`,
    `-o`,
    `Dir::Etc::SourceParts=${join(APT_DIR, 'sources.list.d')}`,
    `-o`,
    `Dir::State::Lists=${join(APT_DIR, 'lists')}`,
    `-o`,
    `Dir::Cache=${join(APT_DIR, 'cache')}`,
    ...(isRoot() ? ['-o', 'APT::Sandbox::User=root'] : []),
  ];
  return run('apt-get', [...options, ...args], { cwd });
}

// #region fetch
function download(log: (line: string) => void): string {
  const downloads = join(APT_DIR, 'source');
  for (const dir of ['lists/partial', 'cache/archives/partial', 'sources.list.d', 'source']) {
    mkdirSync(join(APT_DIR, dir), { recursive: true });
  }
  const sources = machineAptSources();
  if (sources.length === 0)
    throw new CommandError('no http(s) archive in /etc/apt sources to fetch QuickJS from');
  const failures: string[] = [];
  for (const suite of QUICKJS.suites[distribution()]) {
    const lines = sources.map(
      (s) => `deb-src ${s.signedBy ? `[signed-by=${s.signedBy}] ` : ''}${s.uri} ${suite} main`,
    );
    writeFileSync(join(APT_DIR, 'sources.list'), `${[...new Set(lines)].join('\n')}\n`);
    try {
      log(`kindling: fetching quickjs ${QUICKJS.debianVersion} source from ${suite}`);
      privateApt(['update'], downloads);
      privateApt(['source', '--download-only', `quickjs=${QUICKJS.debianVersion}-1`], downloads);
      return join(downloads, QUICKJS.tarball);
    } catch (error) {
      failures.push(`${suite}: ${(error as Error).message.split('\n').slice(-2).join(' ')}`);
    }
  }
  throw new CommandError(`could not fetch the QuickJS source package:\n  ${failures.join('\n  ')}`);
}
// #endregion fetch

/** Makes cache/quickjs/quickjs-2025.04.26 exist and match the pin. Returns its path. */
export function ensureQuickjsSource(log: (line: string) => void, localTarball?: string): string {
  if (existsSync(VERIFIED_MARK) && readFileSync(VERIFIED_MARK, 'utf8').trim() === QUICKJS.sha256) {
    return QUICKJS_DIR;
  }
  const tarball = localTarball ?? download(log);
  const actual = sha256(tarball);
  if (actual !== QUICKJS.sha256) {
    throw new CommandError(
      `${tarball}: sha256 ${actual} does not match the pinned ${QUICKJS.sha256}; refusing to build it`,
    );
  }
  rmSync(QUICKJS_DIR, { recursive: true, force: true });
  mkdirSync(join(CACHE, 'quickjs'), { recursive: true });
  run('tar', ['-xJf', tarball, '-C', join(CACHE, 'quickjs')]);
  writeFileSync(VERIFIED_MARK, `${QUICKJS.sha256}\n`);
  log(`kindling: QuickJS ${QUICKJS.version} sources verified and unpacked in ${QUICKJS_DIR}`);
  return QUICKJS_DIR;
}
