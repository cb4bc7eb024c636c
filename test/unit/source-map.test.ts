import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { decodeVlq, rewriteStack, SourceMap } from '../../kernel/src/runtime/source-map';

describe('decodeVlq', () => {
  it('decodes single digits, signs and continuations', () => {
    expect(decodeVlq('A')).toEqual([0]);
    expect(decodeVlq('C')).toEqual([1]);
    expect(decodeVlq('D')).toEqual([-1]);
    expect(decodeVlq('gB')).toEqual([16]);
    expect(decodeVlq('AAgBC')).toEqual([0, 0, 16, 1]);
    expect(decodeVlq('2HktC')).toEqual([123, 1234]);
  });

  it('rejects bad digits and truncated numbers', () => {
    expect(() => decodeVlq('A!')).toThrow(/bad base64 digit '!'/);
    expect(() => decodeVlq('g')).toThrow(/truncated/);
  });
});

describe('SourceMap', () => {
  it('maps a position of a real esbuild bundle back to the TypeScript line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-map-'));
    const source = join(dir, 'thrower.ts');
    writeFileSync(
      source,
      [
        'const pad: number = 1;',
        'export function thrower(): never {',
        "  throw new Error('here');",
        '}',
        'thrower();',
      ].join('\n'),
    );
    const outfile = join(dir, 'out.js');
    await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      format: 'iife',
      sourcemap: 'external',
    });
    const raw = JSON.parse(readFileSync(`${outfile}.map`, 'utf8')) as {
      sources: string[];
      mappings: string;
    };
    const map = new SourceMap({ file: 'out.js', sources: raw.sources, mappings: raw.mappings });
    const script = readFileSync(outfile, 'utf8').split('\n');
    const line = script.findIndex((text) => text.includes('throw new Error(')) + 1;
    const column = script[line - 1]!.indexOf('throw') + 1;
    expect(map.lookup(line, column)).toEqual({ source: 'thrower.ts', line: 3, column: 3 });
  });

  it('rewrites only the generated file positions in a stack', () => {
    // Generated line 1: column 0 -> kernel/a.ts 11:1; column 8 -> 13:5 (all 1-based).
    const map = new SourceMap({
      file: 'stage.js',
      sources: ['kernel/a.ts'],
      mappings: 'AAUA,QAEI',
    });
    const stack = '    at f (stage.js:1:9)\n    at g (other.js:1:1)\n    at stage.js:7:1\n';
    expect(rewriteStack(stack, map)).toBe(
      '    at f (kernel/a.ts:13:5)\n    at g (other.js:1:1)\n    at stage.js:7:1\n',
    );
  });

  it('parse() insists on file, sources and mappings', () => {
    expect(() => SourceMap.parse('{"sources":[],"mappings":""}')).toThrow(/needs "file"/);
    expect(
      SourceMap.parse('{"file":"a.js","sources":["a.ts"],"mappings":"AAAA"}').lookup(1, 1),
    ).toEqual({
      source: 'a.ts',
      line: 1,
      column: 1,
    });
  });
});
