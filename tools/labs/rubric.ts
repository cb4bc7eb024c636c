/**
 * A lab's rubric (labs/NN-name/rubric.json): each graded test, its points,
 * and the tests it depends on. A child is skipped when its parent fails, so
 * one root cause costs one test's points, not a cascade of confusing ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './labs';

export interface RubricTest {
  /** Hosted tests are matched by title prefix "id: ..."; boot tests by BootCheck id. */
  id: string;
  name: string;
  points: number;
  kind: 'hosted' | 'boot';
  /** Tests that must pass before this one is worth running. */
  parents?: string[];
}

export interface Rubric {
  tests: RubricTest[];
}

export function loadRubric(lab: Lab): Rubric {
  const path = join(lab.dir, 'rubric.json');
  const rubric = JSON.parse(readFileSync(path, 'utf8')) as Rubric;
  const seen = new Set<string>();
  for (const test of rubric.tests) {
    if (!/^[a-z0-9-]+$/.test(test.id)) throw new Error(`${path}: bad test id "${test.id}"`);
    if (seen.has(test.id)) throw new Error(`${path}: test id "${test.id}" appears twice`);
    if (!(test.points >= 0)) throw new Error(`${path}: ${test.id} needs points >= 0`);
    if (test.kind !== 'hosted' && test.kind !== 'boot')
      throw new Error(`${path}: ${test.id} kind must be hosted or boot`);
    // Parents come first, so grading in file order always has the parents' results.
    for (const parent of test.parents ?? []) {
      if (!seen.has(parent))
        throw new Error(`${path}: ${test.id}'s parent "${parent}" must be listed before it`);
    }
    seen.add(test.id);
  }
  return rubric;
}

export function maxScore(rubric: Rubric): number {
  return rubric.tests.reduce((sum, test) => sum + test.points, 0);
}
