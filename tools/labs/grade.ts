/**
 * `kindling grade NN`: the lab's hosted tests first, then boot checks of
 * the stage built with the learner's files, scored by the rubric.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bootImage } from '../boot/qemu';
import { buildStage } from '../build/build';
import { findStage } from '../build/stages';
import { type BootCheck, judgeBoot, passed } from './boot-checks';
import { runHostedTests, type HostedResult } from './hosted';
import type { Lab } from './labs';
import { LabRedirect, labEsbuildPlugin } from './redirect';
import { loadRubric, maxScore, type RubricTest } from './rubric';
import { typeErrors } from './types';

export interface TestGrade {
  id: string;
  name: string;
  score: number;
  maxScore: number;
  status: 'passed' | 'failed' | 'skipped';
  messages: string[];
}

export interface LabGrade {
  lab: string;
  /** tsc's errors in the learner's files: not scored, but worth fixing first. */
  typeErrors: string[];
  score: number;
  maxScore: number;
  tests: TestGrade[];
  seconds: number;
}

export interface GradeOptions {
  /** The learner's files; undefined grades the reference kernel itself. */
  labDir?: string;
  /** Names the lab build's output folder, so several gradings do not collide. */
  variant?: string;
}

// #region grade
export async function gradeLab(lab: Lab, options: GradeOptions = {}): Promise<LabGrade> {
  const started = Date.now();
  const rubric = loadRubric(lab);
  const typeErrorsFound = options.labDir ? typeErrors(options.labDir) : [];
  const hosted = runHostedTests(lab, options.labDir);
  const checks = await loadBootChecks(lab);
  const results = new Map<string, TestGrade>();
  let image: string | undefined;

  for (const test of rubric.tests) {
    const failedParent = (test.parents ?? [])
      .map((id) => results.get(id)!)
      .find((parent) => parent.status !== 'passed');
    if (failedParent) {
      results.set(
        test.id,
        grade(test, 'skipped', [`skipped: it needs "${failedParent.name}" to pass first`]),
      );
      continue;
    }
    if (test.kind === 'hosted') {
      results.set(test.id, gradeHosted(test, hosted));
      continue;
    }
    const check = checks.find((c) => c.id === test.id);
    if (!check) throw new Error(`${lab.name}/rubric.json: no boot check "${test.id}" in grade.ts`);
    image ??= await buildForLab(lab, options);
    results.set(test.id, await gradeBoot(test, check, image));
  }
  const tests = rubric.tests.map((t) => results.get(t.id)!);
  return {
    lab: lab.name,
    typeErrors: typeErrorsFound,
    score: tests.reduce((sum, t) => sum + t.score, 0),
    maxScore: maxScore(rubric),
    tests,
    seconds: (Date.now() - started) / 1000,
  };
}
// #endregion grade

function grade(test: RubricTest, status: TestGrade['status'], messages: string[]): TestGrade {
  const score = status === 'passed' ? test.points : 0;
  return { id: test.id, name: test.name, score, maxScore: test.points, status, messages };
}

function gradeHosted(test: RubricTest, hosted: HostedResult[]): TestGrade {
  const loadFailures = hosted.filter((r) => r.title === '(load)');
  const mine = hosted.filter((r) => r.title.startsWith(`${test.id}:`));
  if (mine.length === 0) {
    const why = loadFailures.flatMap((r) => r.messages);
    return grade(test, 'failed', why.length ? why : [`no hosted test is titled "${test.id}: ..."`]);
  }
  const failures = mine.filter((r) => !r.passed);
  const messages = failures.flatMap((r) => [`${r.title}`, ...r.messages.map(firstLines)]);
  return grade(test, failures.length === 0 ? 'passed' : 'failed', messages);
}

/** Assertion messages carry long stacks; the first lines say what went wrong. */
function firstLines(message: string): string {
  return message
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => `  ${line}`)
    .join('\n');
}

async function loadBootChecks(lab: Lab): Promise<BootCheck[]> {
  const module = (await import(pathToFileURL(join(lab.dir, 'grade.ts')).href)) as {
    bootChecks: BootCheck[];
  };
  return module.bootChecks;
}

async function buildForLab(lab: Lab, options: GradeOptions): Promise<string> {
  const stage = findStage(lab.stage);
  const plugins = options.labDir ? [labEsbuildPlugin(new LabRedirect(options.labDir))] : [];
  const variant = options.variant ?? (options.labDir ? 'lab' : 'reference');
  return (await buildStage(stage, { typecheck: false, variant, plugins })).image;
}

async function gradeBoot(test: RubricTest, check: BootCheck, image: string): Promise<TestGrade> {
  const plan = check.plan(() => randomInt(0, 2 ** 32) / 2 ** 32);
  const disk = plan.disk
    ? join(mkdtempSync(join(tmpdir(), 'kindling-grade-disk-')), 'disk.img')
    : undefined;
  if (disk) writeFileSync(disk, plan.disk!.image);
  const result = await bootImage({
    image,
    memory: plan.memory,
    append: plan.append,
    ...(plan.input ? { input: plan.input } : {}),
    ...(disk ? { devices: { disk, net: 'none' } } : {}),
    timeoutSeconds: 60,
    onOutput: () => {},
  });
  const lines = judgeBoot(plan, result.output, result.code);
  if (disk && plan.disk?.expectAfter) lines.push(...plan.disk.expectAfter(readFileSync(disk)));
  const messages = [
    `booted with --memory ${plan.memory} --append "${plan.append}": ${result.how}, code ${result.code}`,
    ...lines.map((line) => `${line.kind.padEnd(7)} ${line.text}`),
  ];
  if (!passed(lines))
    messages.push('serial output was:', ...result.output.split('\n').map((l) => `  | ${l}`));
  return grade(test, passed(lines) ? 'passed' : 'failed', messages);
}
