// The code-region plugin: chapters quote the kernel by named region, never by pasting.
// These tests pin down what a region is, what a chapter shows, and that every mistake
// fails the build with a message that names the chapter and the reference.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '@mdx-js/mdx';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import codeRegion, {
  dedent,
  diffLines,
  extractRegion,
  parseMeta,
  resolveCodeRef,
  scanRegions,
} from '../../site/plugins/code-region/index.mjs';

const PANIC = [
  '// Kernel panics.', //                       1
  'export function mapStack(stack: string) {', // 2
  '  // #region map-stack', //                  3
  '  const frames = [];', //                    4
  '  for (const line of stack.split("\\n")) {', // 5
  '    // #region push-frame', //               6
  '    frames.push(line);', //                  7
  '    // #endregion push-frame', //            8
  '  }', //                                     9
  '  return frames;', //                        10
  '  // #endregion', //                         11
  '}', //                                       12
  '', //                                        13
  '/* #region banner */', //                    14
  'const banner = "kindling";', //              15
  '/* #endregion banner */', //                 16
].join('\n');

const MAKEFILE = [
  'all: kernel',
  '',
  '# #region flags',
  'CFLAGS += -mno-red-zone',
  '# #endregion',
].join('\n');

let root: string;
const ctx = () => ({ rootDir: root, chapter: 'chapters/01-boot.mdx', line: 12 });

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'kindling-regions-'));
  mkdirSync(path.join(root, 'kernel/src/runtime'), { recursive: true });
  writeFileSync(path.join(root, 'kernel/src/runtime/panic.ts'), `${PANIC}\n`);
  writeFileSync(path.join(root, 'kernel/Makefile'), `${MAKEFILE}\n`);
  writeFileSync(path.join(root, 'kernel/v1.ts'), 'export const a = 1;\nexport const b = 2;\n');
  writeFileSync(path.join(root, 'kernel/v2.ts'), 'export const a = 1;\nexport const b = 3;\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('markers', () => {
  test('accepts //, # and /* */ comments, with or without the name at the end', () => {
    const { regions, markers } = scanRegions(PANIC);
    expect([...regions.keys()].sort()).toEqual(['banner', 'map-stack', 'push-frame']);
    expect(regions.get('map-stack')).toEqual({ name: 'map-stack', first: 4, last: 10 });
    expect(regions.get('push-frame')).toEqual({ name: 'push-frame', first: 7, last: 7 });
    expect(regions.get('banner')).toEqual({ name: 'banner', first: 15, last: 15 });
    expect([...markers].sort((a, b) => a - b)).toEqual([3, 6, 8, 11, 14, 16]);
    expect(scanRegions(MAKEFILE).regions.get('flags')).toEqual({
      name: 'flags',
      first: 4,
      last: 4,
    });
  });

  test('a line that merely mentions #region is code, not a marker', () => {
    const { regions } = scanRegions(
      'const s = "// #region x";\n// #region real\nx();\n// #endregion',
    );
    expect([...regions.keys()]).toEqual(['real']);
  });

  test('malformed markers are errors with line numbers', () => {
    expect(() => scanRegions('// #region a\nx\n')).toThrow('line 1: region "a" is never closed');
    expect(() => scanRegions('x\n// #endregion\n')).toThrow('line 2: #endregion without');
    expect(() => scanRegions('// #region a\n// #endregion b\n')).toThrow(
      'line 2: #endregion b closes region "a"',
    );
    expect(() => scanRegions('// #region a\n// #endregion\n// #region a\n// #endregion')).toThrow(
      'line 3: region "a" is defined twice',
    );
    expect(() => scanRegions('// #region\n// #endregion')).toThrow('line 1: #region needs a name');
  });
});

describe('extracting a region', () => {
  test('leaves out lab markers, which are for the starter generator', () => {
    const source = [
      '// #region init',
      'function init() {',
      '  // #lab 01: program the device',
      '  // A hint for the learner.',
      '  outb(1, 2);',
      '  // #endlab',
      '}',
      '// #endregion',
    ].join('\n');
    expect(extractRegion(source, 'init').code).toBe(
      ['function init() {', '  // A hint for the learner.', '  outb(1, 2);', '}'].join('\n'),
    );
  });

  test('finds the content and its real first line, dedented', () => {
    const r = extractRegion(PANIC, 'push-frame');
    expect(r).toEqual({ code: 'frames.push(line);', startLine: 7, endLine: 7, contiguous: true });
  });

  test('an outer region leaves out the markers of the regions nested in it', () => {
    const r = extractRegion(PANIC, 'map-stack');
    expect(r.code).toBe(
      [
        'const frames = [];',
        'for (const line of stack.split("\\n")) {',
        '  frames.push(line);',
        '}',
        'return frames;',
      ].join('\n'),
    );
    expect(r.startLine).toBe(4);
    expect(r.endLine).toBe(10);
    // Lines 6 and 8 were cut, so consecutive numbering from 4 would be wrong.
    expect(r.contiguous).toBe(false);
  });

  test('no region means the whole file, markers removed', () => {
    const r = extractRegion(MAKEFILE, undefined);
    expect(r.code).toBe('all: kernel\n\nCFLAGS += -mno-red-zone');
    expect(r.startLine).toBe(1);
  });

  test('dedent removes only the indentation every line shares, keeping blank lines', () => {
    expect(dedent(['    a', '      b', '', '    c'])).toEqual(['a', '  b', '', 'c']);
    expect(dedent(['\tx', '\t\ty'])).toEqual(['x', '\ty']);
  });

  test('blank lines at the edges of a region are trimmed and the start line follows', () => {
    const r = extractRegion('// #region r\n\n  x();\n\n// #endregion\n', 'r');
    expect(r).toEqual({ code: 'x();', startLine: 3, endLine: 3, contiguous: true });
  });

  test('a missing region lists the regions the file does have', () => {
    expect(() => extractRegion(PANIC, 'nope')).toThrow(
      'no region "nope" (regions in this file: map-stack, push-frame, banner)',
    );
  });
});

describe('resolving a chapter reference', () => {
  test('a region: code, a title with the path and range, numbering, a repository link', () => {
    const shown = resolveCodeRef(
      { file: 'kernel/src/runtime/panic.ts', region: 'banner' },
      { ...ctx(), repoUrl: 'https://example.org/blob/main/' },
    );
    expect(shown).toEqual({
      lang: undefined,
      code: 'const banner = "kindling";',
      title: 'kernel/src/runtime/panic.ts (line 15)',
      startLine: 15,
      href: 'https://example.org/blob/main/kernel/src/runtime/panic.ts#L15',
    });
  });

  test('a region with nested markers is titled with its range but not numbered', () => {
    const shown = resolveCodeRef(
      { file: 'kernel/src/runtime/panic.ts', region: 'map-stack' },
      ctx(),
    );
    expect(shown.title).toBe('kernel/src/runtime/panic.ts (lines 4–10)');
    expect(shown.startLine).toBeUndefined();
  });

  test('a missing file names the chapter, its line and the reference', () => {
    const ref = { file: 'kernel/src/nope.ts', region: 'x' };
    expect(() => resolveCodeRef(ref, ctx())).toThrow(
      expect.objectContaining({ name: 'CodeRegionError' }),
    );
    expect(() => resolveCodeRef(ref, ctx())).toThrow(
      'chapters/01-boot.mdx:12: code block "file=kernel/src/nope.ts region=x": ' +
        'file kernel/src/nope.ts does not exist',
    );
  });

  test('a missing region names the chapter, the reference and the file', () => {
    const ref = { file: 'kernel/src/runtime/panic.ts', region: 'map-stak' };
    expect(() => resolveCodeRef(ref, ctx())).toThrow(
      'chapters/01-boot.mdx:12: code block "file=kernel/src/runtime/panic.ts region=map-stak": ' +
        'kernel/src/runtime/panic.ts: no region "map-stak"',
    );
  });

  test('paths must stay inside the repository', () => {
    expect(() => resolveCodeRef({ file: '../etc/passwd' }, ctx())).toThrow(
      'must be a path relative to the repository root',
    );
    expect(() => resolveCodeRef({ file: '/etc/passwd' }, ctx())).toThrow('relative');
  });

  test('diff= shows the change from an earlier file', () => {
    const shown = resolveCodeRef({ file: 'kernel/v2.ts', diff: 'kernel/v1.ts' }, ctx());
    expect(shown.lang).toBe('diff');
    expect(shown.code).toBe(
      [' export const a = 1;', '-export const b = 2;', '+export const b = 3;'].join('\n'),
    );
    expect(shown.title).toBe('kernel/v2.ts, compared with kernel/v1.ts');
  });

  test('diffLines keeps common lines and orders removals before additions', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual([
      ' a',
      '-b',
      '+x',
      ' c',
      '+d',
    ]);
    expect(diffLines([], ['a'])).toEqual(['+a']);
  });

  test('meta strings: key=value, quoted values and bare words', () => {
    expect(parseMeta('file=kernel/a.ts region=r title="A b" showLineNumbers {1,3}')).toEqual({
      attrs: { file: 'kernel/a.ts', region: 'r', title: 'A b' },
      rest: ['showLineNumbers', '{1,3}'],
    });
  });
});

describe('in the MDX pipeline', () => {
  interface Node {
    type: string;
    lang?: string | null;
    meta?: string | null;
    value?: string;
    children?: Node[];
  }
  const chapterPath = () => path.join(root, 'chapters/01-boot.mdx');

  /** Compiles a chapter; returns the JS and the Markdown tree as our plugin left it. */
  async function build(mdx: string) {
    let tree: Node = { type: 'root' };
    const capture = () => (t: Node) => void (tree = t);
    const js = await compile(
      { value: mdx, path: chapterPath() },
      {
        remarkPlugins: [
          [codeRegion, { rootDir: root, repoUrl: 'https://example.org/blob/main/' }],
          capture,
        ],
      },
    );
    const codes: Node[] = [];
    const walk = (n: Node) => (n.type === 'code' ? codes.push(n) : n.children?.forEach(walk));
    walk(tree);
    return { js: String(js), codes };
  }

  test('fills an empty fence; title and numbering go in the meta, a link below', async () => {
    const { js, codes } = await build('# Boot\n\n```sh file=kernel/Makefile region=flags\n```\n');
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatchObject({
      lang: 'sh',
      value: 'CFLAGS += -mno-red-zone',
      meta: 'title="kernel/Makefile (line 4)" showLineNumbers=4',
    });
    expect(js).toContain('CFLAGS += -mno-red-zone');
    expect(js).toContain('https://example.org/blob/main/kernel/Makefile#L4');
  });

  test('the language comes from the file name when the fence has none', async () => {
    const { codes } = await build('```file=kernel/Makefile region=flags\n```\n');
    expect(codes[0]?.lang).toBe('makefile');
    expect(codes[0]?.value).toBe('CFLAGS += -mno-red-zone');
  });

  test('a chapter referencing a missing region fails to compile, naming chapter and line', async () => {
    await expect(build('# Boot\n\n```ts file=kernel/Makefile region=nope\n```\n')).rejects.toThrow(
      'chapters/01-boot.mdx:3: code block "file=kernel/Makefile region=nope"',
    );
  });

  test('a pasted body is refused: the code must come from the file', async () => {
    await expect(build('```ts file=kernel/Makefile region=flags\nold copy\n```\n')).rejects.toThrow(
      'must have an empty body',
    );
  });

  test('ordinary code blocks are left alone', async () => {
    const { js, codes } = await build('```ts title="x.ts"\nconst x = 1;\n```\n');
    expect(codes[0]).toMatchObject({ lang: 'ts', meta: 'title="x.ts"', value: 'const x = 1;' });
    expect(js).not.toContain('code-region');
  });
});
