// Turns one code-block reference (`file=… region=… diff=…`) into what the chapter shows.
// No Markdown here: this is the part the unit tests drive directly.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diffLines } from './diff.mjs';
import { extractRegion } from './regions.mjs';

/**
 * The error for every problem with a reference; its message names the chapter and the
 * reference. A plain Error with a name rather than a subclass, because webpack's cache
 * can serialize only plain errors and warns about anything else.
 */
export function codeRegionError(message) {
  const error = new Error(message);
  error.name = 'CodeRegionError';
  return error;
}

/**
 * Splits a code fence's meta string into `key=value` attributes and everything else.
 * Values may be quoted to hold spaces.
 */
export function parseMeta(meta) {
  /** @type {Record<string, string>} */
  const attrs = {};
  /** @type {string[]} */
  const rest = [];
  const token = /([A-Za-z][\w-]*)=(?:"([^"]*)"|'([^']*)'|(\S+))|(\S+)/g;
  for (const m of (meta ?? '').matchAll(token)) {
    if (m[1] !== undefined) attrs[m[1]] = m[2] ?? m[3] ?? m[4] ?? '';
    else if (m[5] !== undefined) rest.push(m[5]);
  }
  return { attrs, rest };
}

const LANGUAGES = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.js': 'js',
  '.mjs': 'js',
  '.c': 'c',
  '.h': 'c',
  '.S': 'nasm',
  '.s': 'nasm',
  '.ld': 'text',
  '.sh': 'bash',
  '.json': 'json',
  '.mk': 'makefile',
};

/** The highlighting language for a file when the chapter's fence does not name one. */
export function languageFor(file) {
  if (path.basename(file) === 'Makefile') return 'makefile';
  return LANGUAGES[path.extname(file)] ?? 'text';
}

function describe(ref) {
  return ['file', 'region', 'diff']
    .filter((k) => ref[k] !== undefined)
    .map((k) => `${k}=${ref[k]}`)
    .join(' ');
}

/**
 * @param {{ file: string, region?: string, diff?: string }} ref
 * @param {{ rootDir: string, repoUrl?: string, chapter: string, line?: number,
 *           readFile?: (absPath: string) => string }} context
 */
export function resolveCodeRef(ref, context) {
  const { rootDir, repoUrl, chapter, line } = context;
  const readFile = context.readFile ?? ((p) => readFileSync(p, 'utf8'));
  const where = line === undefined ? chapter : `${chapter}:${line}`;
  const fail = (reason) => codeRegionError(`${where}: code block "${describe(ref)}": ${reason}`);

  const load = (file) => {
    // Chapters may only quote the repository itself, by a path that works on every OS.
    const normal = path.posix.normalize(file);
    if (path.posix.isAbsolute(normal) || normal.startsWith('../') || file.includes('\\')) {
      throw fail(`"${file}" must be a path relative to the repository root`);
    }
    let source;
    try {
      source = readFile(path.join(rootDir, normal));
    } catch (err) {
      const code = /** @type {{ code?: string }} */ (err).code;
      throw fail(code === 'ENOENT' ? `file ${file} does not exist` : `cannot read ${file}: ${err}`);
    }
    try {
      return extractRegion(source, ref.region);
    } catch (err) {
      throw fail(`${file}: ${/** @type {Error} */ (err).message}`);
    }
  };

  if (!ref.file) throw fail('file= is empty');
  const current = load(ref.file);
  const { startLine: first, endLine: last } = current;
  const oneLine = first === last;
  const range =
    ref.region === undefined ? '' : oneLine ? ` (line ${first})` : ` (lines ${first}–${last})`;
  const anchor = ref.region === undefined ? '' : oneLine ? `#L${first}` : `#L${first}-L${last}`;
  const href = repoUrl ? `${repoUrl}${ref.file}${anchor}` : undefined;

  if (ref.diff !== undefined) {
    const earlier = load(ref.diff);
    return {
      lang: 'diff',
      code: diffLines(earlier.code.split('\n'), current.code.split('\n')).join('\n'),
      title: `${ref.file}${range}, compared with ${ref.diff}`,
      startLine: undefined,
      href,
    };
  }
  return {
    lang: undefined,
    code: current.code,
    title: `${ref.file}${range}`,
    // Numbers are only right if no nested markers were cut out of the middle.
    startLine: current.contiguous ? current.startLine : undefined,
    href,
  };
}
