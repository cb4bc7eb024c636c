/**
 * Lab 03's boot checks: sleepers of random lengths must wake in order, and
 * random keys typed into the serial port must come back, each run anew.
 */
import type { BootCheck } from '../../tools/labs/boot-checks';

function distinctSleeps(random: () => number): number[] {
  const sleeps = new Set<number>();
  while (sleeps.size < 3) sleeps.add(10 + 10 * Math.floor(random() * 12));
  return [...sleeps];
}

export const bootChecks: BootCheck[] = [
  {
    id: 'boot-sleepers',
    plan(random) {
      const sleeps = distinctSleeps(random);
      const ordered = [...sleeps].sort((a, b) => a - b);
      const lines = ordered.map((ms) => `  sleeper ${ms} ms woke after [\\d.]+ ms`).join('\\n');
      return {
        memory: '64M',
        append: `input=0 sleeps=${sleeps.join(',')}`,
        expectExitCode: 0,
        expect: [
          {
            label: `sleepers ${sleeps.join(', ')} ms wake shortest first`,
            pattern: new RegExp(lines),
            hint: 'TimerQueue.takeDue: earliest deadline first',
          },
          { label: 'the last line', pattern: /^stage 03 done: exit 0$/m },
        ],
      };
    },
  },
  {
    id: 'boot-keys',
    plan(random) {
      const keys = Array.from(
        { length: 4 },
        () => 'abcdefghijklmnoprstuvwxyz'[Math.floor(random() * 25)]!,
      );
      return {
        memory: '64M',
        append: 'input=5000 sleeps=1',
        input: { after: 'type here', text: `${keys.join('')}q` },
        expectExitCode: 0,
        expect: [
          ...keys.map((key, i) => ({
            label: `key ${i + 1} of this run: "${key}"`,
            pattern: new RegExp(`key "${key}" \\(0x${key.charCodeAt(0).toString(16)}\\)`),
            hint: 'EventChannel.notify and next: a notification must reach the waiting task',
          })),
          { label: 'q stops the listener', pattern: /key "q"/ },
        ],
      };
    },
  },
];
