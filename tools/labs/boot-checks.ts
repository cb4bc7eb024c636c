/**
 * Boot checks: a lab's tests that boot the stage, built with the learner's
 * files, under QEMU and read its serial output. Each run draws fresh random
 * values (memory size, a token on the command line), so output that was
 * not computed by this boot cannot pass.
 */

export interface Expectation {
  /** What the line shows, in words, for GOOD/MISSING reports. */
  label: string;
  pattern: RegExp;
  /** Where to look when it is missing. */
  hint?: string;
}

export interface BootPlan {
  memory: string;
  append: string;
  /** Typed into the serial port once the guest prints `after`. */
  input?: { after: string; text: string };
  /** A disk image to boot with (virtio-blk; stages 04+), and what must be on it afterwards. */
  disk?: { image: Uint8Array; expectAfter?: (image: Uint8Array) => CheckLine[] };
  expectExitCode: number;
  expect: Expectation[];
}

export interface BootCheck {
  id: string;
  plan(random: () => number): BootPlan;
}

export type CheckLine = { kind: 'GOOD' | 'MISSING' | 'BAD'; text: string };

// #region judge
/** Compares a boot's output and exit code with the plan, line by line. */
export function judgeBoot(plan: BootPlan, output: string, exitCode: number): CheckLine[] {
  const lines: CheckLine[] = [];
  for (const expectation of plan.expect) {
    if (expectation.pattern.test(output)) {
      lines.push({ kind: 'GOOD', text: expectation.label });
    } else {
      const hint = expectation.hint ? ` (look at ${expectation.hint})` : '';
      lines.push({
        kind: 'MISSING',
        text: `${expectation.label}: no line matches ${expectation.pattern}${hint}`,
      });
    }
  }
  for (const line of output.split('\n')) {
    if (/^panic: |^!! CPU exception/.test(line)) lines.push({ kind: 'BAD', text: line });
  }
  if (exitCode !== plan.expectExitCode) {
    lines.push({ kind: 'BAD', text: `exit code ${exitCode}, expected ${plan.expectExitCode}` });
  }
  return lines;
}
// #endregion judge

export function passed(lines: CheckLine[]): boolean {
  return lines.every((line) => line.kind === 'GOOD');
}
