/**
 * Every lab proves itself: its committed starters are fresh, its tests all
 * fail on the starter, all pass on the reference kernel, and a half-done
 * lab earns exactly the half it did.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeLab } from '../../tools/labs/grade';
import { findLab, listLabs } from '../../tools/labs/labs';
import { gradescopeResults } from '../../tools/labs/report';
import { staleStarters, writeStarters } from '../../tools/labs/starters';
import { ROOT } from '../../tools/paths';

describe.each(listLabs().map((lab) => [lab.name, lab] as const))('lab %s', (_name, lab) => {
  it('has fresh starters', async () => {
    expect(await staleStarters(lab)).toEqual([]);
  });

  it('fails every test on the starter, with messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), `kindling-${lab.name}-starter-`));
    await writeStarters(lab, dir);
    const grade = await gradeLab(lab, { labDir: dir, variant: 'starter-check' });
    expect(grade.typeErrors, 'a starter type-checks: its gaps throw').toEqual([]);
    expect(grade.score).toBe(0);
    for (const test of grade.tests) {
      expect(test.status, test.name).not.toBe('passed');
      expect(test.messages.join('\n'), test.name).not.toBe('');
    }
  });

  it('passes every test on the reference', async () => {
    const grade = await gradeLab(lab, {});
    expect(grade.tests.filter((t) => t.status !== 'passed')).toEqual([]);
    expect(grade.score).toBe(grade.maxScore);
    expect(grade.maxScore).toBeGreaterThan(0);
  });
});

describe('grading lab 01', () => {
  it('gives partial credit and skips children of failed parents', async () => {
    const lab = findLab('01');
    const dir = mkdtempSync(join(tmpdir(), 'kindling-01-partial-'));
    await writeStarters(lab, dir);
    // The learner has finished the serial driver but not the start info.
    const serial = 'kernel/src/drivers/serial.ts';
    mkdirSync(dirname(join(dir, serial)), { recursive: true });
    copyFileSync(join(ROOT, serial), join(dir, serial));
    const grade = await gradeLab(lab, { labDir: dir, variant: 'partial-check' });
    const status = Object.fromEntries(grade.tests.map((t) => [t.id, t.status]));
    expect(status).toEqual({
      'serial-init': 'passed',
      'serial-write': 'passed',
      'serial-wait': 'passed',
      'start-info-header': 'failed',
      'memory-map': 'failed',
      'boot-serial': 'skipped',
      'boot-memory-map': 'skipped',
    });
    expect(grade.score).toBe(35);
  });

  it('writes results Gradescope accepts', async () => {
    const grade = await gradeLab(findLab('01'), {});
    const results = gradescopeResults([grade]);
    // The documented results.json shape: a score, and tests with
    // name/score/max_score/status/output/visibility.
    expect(Object.keys(results).sort()).toEqual(
      ['execution_time', 'output', 'score', 'stdout_visibility', 'tests', 'visibility'].sort(),
    );
    expect(results.score).toBe(100);
    expect(Number.isInteger(results.execution_time)).toBe(true);
    for (const test of results.tests) {
      expect(typeof test.name).toBe('string');
      expect(test.score).toBeLessThanOrEqual(test.max_score);
      expect(['passed', 'failed']).toContain(test.status);
      expect(['hidden', 'after_due_date', 'after_published', 'visible']).toContain(test.visibility);
      expect(typeof test.output).toBe('string');
    }
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });
});
