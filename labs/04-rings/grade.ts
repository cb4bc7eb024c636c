/**
 * Lab 04's boot checks: a disk image with a fresh random message in sector
 * 0, and a fresh token the kernel must write into sector 1.
 */
import type { BootCheck, CheckLine } from '../../tools/labs/boot-checks';

const DISK_BYTES = 64 * 1024;

function token(random: () => number): string {
  return Math.floor(random() * 2 ** 40).toString(36);
}

function diskWith(text: string): Uint8Array {
  const image = new Uint8Array(DISK_BYTES);
  image.set(new TextEncoder().encode(`${text}\0`));
  return image;
}

export const bootChecks: BootCheck[] = [
  {
    id: 'boot-disk-read',
    plan(random) {
      const message = `lab four ${token(random)}`;
      return {
        memory: '64M',
        append: '',
        disk: { image: diskWith(message) },
        expectExitCode: 0,
        expect: [
          {
            label: 'the disk has 128 sectors',
            pattern: /virtio-blk: 128 sectors \(64 KiB\)/,
            hint: 'Virtqueue.add and takeUsed: the capacity is config, but GET_ID is a request',
          },
          {
            label: `sector 0's message of this run: "${message}"`,
            pattern: new RegExp(`sector 0 says: "${message}"`),
            hint: 'Virtqueue.add: the data descriptor must be device-writable for a read',
          },
        ],
      };
    },
  },
  {
    id: 'boot-disk-write',
    plan(random) {
      const value = token(random);
      const expected = `kindling wrote: ${value}`;
      return {
        memory: '64M',
        append: `disk.token=${value}`,
        disk: {
          image: diskWith('anything'),
          expectAfter(image): CheckLine[] {
            const sector1 = new TextDecoder().decode(image.subarray(512, 512 + expected.length));
            return [
              sector1 === expected
                ? { kind: 'GOOD', text: `sector 1 of the image holds "${expected}"` }
                : {
                    kind: 'MISSING',
                    text: `sector 1 of the image holds ${JSON.stringify(sector1)}, not "${expected}"`,
                  },
            ];
          },
        },
        expectExitCode: 0,
        expect: [{ label: 'the write read back identical', pattern: /read it back: identical/ }],
      };
    },
  },
];
