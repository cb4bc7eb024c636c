/**
 * Lab 01's boot checks. Each run picks a fresh token and memory size, so
 * the expected lines can only come from a kernel that really read them.
 */
import type { BootCheck } from '../../tools/labs/boot-checks';

const MiB = 1024 * 1024;

function token(random: () => number): string {
  return Math.floor(random() * 2 ** 32)
    .toString(16)
    .padStart(8, '0');
}

/** 64..252 MiB in 4 MiB steps. */
function memorySize(random: () => number): number {
  return 64 + 4 * Math.floor(random() * 48);
}

export const bootChecks: BootCheck[] = [
  {
    id: 'boot-serial',
    plan(random) {
      const value = token(random);
      return {
        memory: '64M',
        append: `grade.token=${value}`,
        expectExitCode: 0,
        expect: [
          {
            label: 'the banner',
            pattern: /^Kindling stage 01: boot$/m,
            hint: 'Serial.init and Serial.write',
          },
          {
            label: `the command line with this run's token ${value}`,
            pattern: new RegExp(`^command line {2}"grade\\.token=${value}"$`, 'm'),
            hint: 'Serial.write: every byte, CR before LF',
          },
          { label: 'the last line', pattern: /^stage 01 done: exit 0$/m },
        ],
      };
    },
  },
  {
    id: 'boot-memory-map',
    plan(random) {
      const mib = memorySize(random);
      const end = (mib * MiB - 1).toString(16).padStart(12, '0');
      return {
        memory: `${mib}M`,
        append: '',
        expectExitCode: 0,
        expect: [
          {
            label: 'low RAM below the EBDA',
            pattern: /^ {2}0x000000000000-0x00000009fbff {2}639 KiB +RAM$/m,
            hint: 'readMemoryMap: base, length and type of each entry',
          },
          {
            label: `RAM from 1 MiB to the top of this run's ${mib} MiB`,
            pattern: new RegExp(`^ {2}0x000000100000-0x${end} {2}${mib - 1} MiB +RAM$`, 'm'),
            hint: 'readMemoryMap: 64-bit fields at offsets 0 and 8 of each 24-byte entry',
          },
          {
            label: 'the memory map is sorted by address',
            pattern: /RAM\n {2}0x00000009fc00-0x00000009ffff {2}1 KiB +reserved/,
            hint: 'readMemoryMap sorts by base',
          },
        ],
      };
    },
  },
];
