// The API reference generator on a tiny kernel of its own: it must write one page per
// module plus a sidebar, link declarations to their source lines, and refuse to publish
// a reference with a broken {@link}.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { generateApiMarkdown, listTypeScript } from '../../site/plugins/api-docs/index.mjs';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kindling-api-'));
  mkdirSync(path.join(dir, 'src/net'), { recursive: true });
  mkdirSync(path.join(dir, 'src/abi'), { recursive: true });
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2023', module: 'ESNext', types: [] },
      include: ['src/**/*.ts'],
    }),
  );
  writeFileSync(
    path.join(dir, 'src/abi/hardware.d.ts'),
    '/** Writes to the serial console. */\nexport declare function write(text: string): void;\n',
  );
  writeFileSync(
    path.join(dir, 'src/net/arp.ts'),
    [
      '/** The ARP cache. */',
      'export class ArpCache {',
      '  /** Looks an address up; see {@link ArpCache.insert}. */',
      '  lookup(ip: number): number | undefined {',
      '    return this.entries.get(ip);',
      '  }',
      '  /** Remembers an address. */',
      '  insert(ip: number, mac: number): void {',
      '    this.entries.set(ip, mac);',
      '  }',
      '  private entries = new Map<number, number>();',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'intro.md'), '# Kernel API\n\nIntro text.\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generate = (out: string) =>
  generateApiMarkdown({
    entryPoints: listTypeScript(path.join(dir, 'src')),
    tsconfig: path.join(dir, 'tsconfig.json'),
    out: path.join(dir, out),
    basePath: path.join(dir, 'src'),
    sourceUrl: 'https://example.org/blob/main/kernel/src/',
    readme: path.join(dir, 'intro.md'),
  });

test('finds every .ts file, declaration files included, in a stable order', () => {
  expect(listTypeScript(path.join(dir, 'src')).map((f) => path.relative(dir, f))).toEqual([
    'src/abi/hardware.d.ts',
    'src/net/arp.ts',
  ]);
  expect(listTypeScript(path.join(dir, 'missing'))).toEqual([]);
});

test('writes a page per module, named by its path, with source links and a sidebar', async () => {
  await generate('api');
  const arp = readFileSync(path.join(dir, 'api/net/arp.md'), 'utf8');
  expect(arp).toContain('ArpCache');
  expect(arp).toContain('Looks an address up');
  expect(arp).toContain('https://example.org/blob/main/kernel/src/net/arp.ts#L');
  expect(arp).not.toContain('entries'); // private members stay out
  expect(existsSync(path.join(dir, 'api/abi/hardware.md'))).toBe(true);
  expect(readFileSync(path.join(dir, 'api/index.md'), 'utf8')).toContain('Intro text.');
  const sidebar = readFileSync(path.join(dir, 'api/typedoc-sidebar.cjs'), 'utf8');
  expect(sidebar).toContain('"net/arp"');
});

test('a broken {@link} fails the generation, and says which', async () => {
  // A kernel of its own: TypeDoc caches what a tsconfig includes within one process.
  const bad = mkdtempSync(path.join(tmpdir(), 'kindling-api-bad-'));
  const said: string[] = [];
  const listen = (...args: unknown[]) => void said.push(args.join(' '));
  const warn = vi.spyOn(console, 'warn').mockImplementation(listen);
  const log = vi.spyOn(console, 'log').mockImplementation(listen);
  try {
    mkdirSync(path.join(bad, 'src'));
    writeFileSync(path.join(bad, 'tsconfig.json'), JSON.stringify({ include: ['src/**/*.ts'] }));
    writeFileSync(path.join(bad, 'src/a.ts'), '/** See {@link Nowhere}. */\nexport const x = 1;\n');
    await expect(
      generateApiMarkdown({
        entryPoints: [path.join(bad, 'src/a.ts')],
        tsconfig: path.join(bad, 'tsconfig.json'),
        out: path.join(bad, 'api'),
        basePath: path.join(bad, 'src'),
        sourceUrl: 'https://example.org/',
        readme: path.join(dir, 'intro.md'),
      }),
    ).rejects.toThrow('TypeDoc reported problems');
    expect(said.join('\n')).toContain('Failed to resolve link to "Nowhere"');
  } finally {
    warn.mockRestore();
    log.mockRestore();
    rmSync(bad, { recursive: true, force: true });
  }
});
