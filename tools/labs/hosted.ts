/** Runs a lab's hosted tests in a child Vitest, with the learner's files swapped in. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../paths';
import type { Lab } from './labs';

export interface HostedResult {
  title: string;
  passed: boolean;
  messages: string[];
}

interface VitestJson {
  testResults: {
    message?: string;
    assertionResults: { title: string; status: string; failureMessages: string[] }[];
  }[];
}

// #region run-hosted
export function runHostedTests(lab: Lab, labDir: string | undefined): HostedResult[] {
  const scratch = mkdtempSync(join(tmpdir(), 'kindling-grade-'));
  const report = join(scratch, 'results.json');
  try {
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const child = spawnSync(
      process.execPath,
      [
        vitest,
        'run',
        '--config',
        join(ROOT, 'tools', 'labs', 'vitest.grade.config.ts'),
        '--reporter=json',
        `--outputFile=${report}`,
        relative(ROOT, join(lab.dir, 'tests')),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...(labDir ? { KINDLING_LAB_DIR: labDir } : {}) },
      },
    );
    let json: VitestJson;
    try {
      json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
    } catch {
      throw new Error(`the lab's tests did not run:\n${child.stdout}${child.stderr}`);
    }
    const results: HostedResult[] = [];
    for (const file of json.testResults) {
      // A file that fails to load (say, a syntax error in the learner's
      // module) has no assertions; its message explains why.
      if (file.assertionResults.length === 0 && file.message) {
        results.push({ title: '(load)', passed: false, messages: [file.message] });
      }
      for (const test of file.assertionResults) {
        results.push({
          title: test.title,
          passed: test.status === 'passed',
          messages: test.failureMessages,
        });
      }
    }
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
// #endregion run-hosted
