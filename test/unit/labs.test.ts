import { describe, expect, it } from 'vitest';
import { judgeBoot, passed } from '../../tools/labs/boot-checks';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLab } from '../../tools/labs/labs';
import { findLabRegions, LabMarkerError, makeStarter } from '../../tools/labs/markers';
import { writeStarters } from '../../tools/labs/starters';
import { typeErrors } from '../../tools/labs/types';

const SOURCE = [
  'export function f(x: number): number {',
  '  // #lab 01: double x',
  '  // Multiply, do not add.',
  '  const y = x * 2;',
  '  return y;',
  '  // #endlab',
  '}',
  'export function g(): string {',
  "  // #lab 02: say hi, don't shout",
  "  return 'hi';",
  '  // #endlab',
  '}',
].join('\n');

describe('lab markers', () => {
  it('finds regions with their lab, hint and lines', () => {
    expect(findLabRegions(SOURCE, 'f.ts')).toEqual([
      { lab: '01', hint: 'double x', begin: 2, end: 6 },
      { lab: '02', hint: "say hi, don't shout", begin: 9, end: 11 },
    ]);
  });

  it("replaces only the lab's regions, keeping the hint and leading comments", () => {
    const starter = makeStarter(SOURCE, 'f.ts', '01');
    expect(starter).toBe(
      [
        'export function f(x: number): number {',
        '  // TODO(lab 01): double x',
        '  // Multiply, do not add.',
        "  throw new Error('lab 01: not written yet: double x');",
        '}',
        ...SOURCE.split('\n').slice(7),
      ].join('\n'),
    );
    expect(makeStarter(SOURCE, 'f.ts', '02')).toContain(
      "throw new Error('lab 02: not written yet: say hi, don\\'t shout');",
    );
  });

  it('names the file and line of a broken marker', () => {
    expect(() => findLabRegions('// #lab 01: a\n// #lab 01: b\n', 'x.ts')).toThrow(
      /x\.ts:2: #lab inside the #lab at line 1/,
    );
    expect(() => findLabRegions('a\n// #endlab\n', 'x.ts')).toThrow(
      /x\.ts:2: #endlab without #lab/,
    );
    expect(() => findLabRegions('// #lab 01: a\n', 'x.ts')).toThrow(
      /x\.ts:1: #lab 01 is never closed/,
    );
    expect(() => findLabRegions('// #lab 1 oops\n', 'x.ts')).toThrow(LabMarkerError);
    expect(() => makeStarter('const a = 1;\n', 'x.ts', '01')).toThrow(/no #lab 01 regions/);
  });
});

describe('judgeBoot', () => {
  const plan = {
    memory: '64M',
    append: '',
    expectExitCode: 0,
    expect: [
      { label: 'banner', pattern: /^hello$/m },
      { label: 'footer', pattern: /^bye$/m, hint: 'the end' },
    ],
  };

  it('says GOOD for every expected line and passes', () => {
    const lines = judgeBoot(plan, 'hello\nbye\n', 0);
    expect(lines).toEqual([
      { kind: 'GOOD', text: 'banner' },
      { kind: 'GOOD', text: 'footer' },
    ]);
    expect(passed(lines)).toBe(true);
  });

  it('says MISSING with a hint, and BAD for panics and wrong exit codes', () => {
    const lines = judgeBoot(plan, 'hello\npanic: Error: no\n', 70);
    expect(lines).toEqual([
      { kind: 'GOOD', text: 'banner' },
      { kind: 'MISSING', text: 'footer: no line matches /^bye$/m (look at the end)' },
      { kind: 'BAD', text: 'panic: Error: no' },
      { kind: 'BAD', text: 'exit code 70, expected 0' },
    ]);
    expect(passed(lines)).toBe(false);
  });
});

describe("type-checking a learner's files", () => {
  it('finds their imports in the kernel, and reports errors in their file by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-types-'));
    await writeStarters(findLab('01'), dir);
    expect(typeErrors(dir)).toEqual([]);
    appendFileSync(
      join(dir, 'kernel/src/drivers/serial.ts'),
      "\nexport const wrong: number = 'text';\n",
    );
    const errors = typeErrors(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/kernel\/src\/drivers\/serial\.ts\(\d+,\d+\): error TS2322/);
  });
});
