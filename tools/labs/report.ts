/** Grade reports: for a person at a terminal, and Gradescope's results.json. */
import type { LabGrade } from './grade';

// #region text-report
export function textReport(grade: LabGrade): string {
  const out = [`Lab ${grade.lab}`];
  if (grade.typeErrors.length > 0) {
    out.push('  Type errors in your files (not scored, but fix them first):');
    out.push(...grade.typeErrors.map((line) => `    ${line}`));
  }
  for (const test of grade.tests) {
    const mark = test.status === 'skipped' ? 'skip' : `${test.score}/${test.maxScore}`;
    out.push(
      `  [${mark.padStart(5)}] ${test.status === 'passed' ? 'PASS' : test.status === 'failed' ? 'FAIL' : 'SKIP'}  ${test.name}`,
    );
    if (test.status !== 'passed') out.push(...test.messages.map((m) => indent(m, '          ')));
  }
  out.push(`Score: ${grade.score}/${grade.maxScore} (${grade.seconds.toFixed(1)} s)`);
  return out.join('\n');
}
// #endregion text-report

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** One Gradescope test entry. */
export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: 'visible';
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  visibility: 'visible';
  stdout_visibility: 'visible';
  tests: GradescopeTest[];
}

// #region gradescope
/** Gradescope's autograder results.json, for one or several labs. */
export function gradescopeResults(grades: LabGrade[]): GradescopeResults {
  const tests = grades.flatMap((grade) =>
    grade.tests.map((test, index) => ({
      name: `${grade.lab}: ${test.name}`,
      number: `${grade.lab.slice(0, 2)}.${index + 1}`,
      score: test.score,
      max_score: test.maxScore,
      // Gradescope knows passed and failed; a skipped test earned nothing.
      status: test.status === 'passed' ? ('passed' as const) : ('failed' as const),
      output: test.messages.join('\n'),
      visibility: 'visible' as const,
    })),
  );
  return {
    score: tests.reduce((sum, t) => sum + t.score, 0),
    execution_time: Math.round(grades.reduce((sum, g) => sum + g.seconds, 0)),
    output: grades
      .map((g) => [`${g.lab}: ${g.score}/${g.maxScore}`, ...g.typeErrors].join('\n'))
      .join('\n'),
    visibility: 'visible',
    stdout_visibility: 'visible',
    tests,
  };
}
// #endregion gradescope
