/**
 * Lab 02's boot checks. Each run picks a fresh memory size, DMA size and
 * pattern seed, so the numbers can only come from a kernel that computed
 * them. Where the right number depends on the image size (the owned range
 * starts where the engine heap ends), the pattern ties the two lines
 * together with a backreference instead.
 */
import { formatBytes } from '../../kernel/src/util/format';
import { xorshift32 } from '../../kernel/src/util/random';
import type { BootCheck } from '../../tools/labs/boot-checks';

const MiB = 1024 * 1024;

/** 64..252 MiB in 4 MiB steps. */
function memorySize(random: () => number): number {
  return 64 + 4 * Math.floor(random() * 48);
}

const hex12 = (value: number) => value.toString(16).padStart(12, '0');
const hex8 = (value: number) => `0x${value.toString(16).padStart(8, '0')}`;

export const bootChecks: BootCheck[] = [
  {
    id: 'boot-owned',
    plan(random) {
      const mib = memorySize(random);
      return {
        memory: `${mib}M`,
        append: 'fill',
        expectExitCode: 0,
        expect: [
          {
            label: `one owned range, from the end of the engine heap to the top of ${mib} MiB`,
            pattern: new RegExp(
              `^ {2}0x[0-9a-f]{12}-0x([0-9a-f]{12}) +[\\d.]+ MiB +platform: engine heap\\n` +
                `kernel owns\\n {2}0x\\1-0x${hex12(mib * MiB)} +[\\d.]+ MiB +\\d+ frames\\n(?! )`,
              'm',
            ),
            hint: 'subtractRange: the pieces below and above each cut',
          },
          {
            label: 'the allocator manages every owned frame',
            pattern:
              /^kernel owns\n {2}\S+ +[\d.]+ MiB +(\d+) frames\nframes +\1 total, \1 free, 0 used/m,
            hint: 'alignInward: whole frames, rounded inward',
          },
          {
            label:
              'alloc hands out every frame once, then says OutOfMemoryError; free takes them all back',
            pattern:
              /^frames +(\d+) total[\s\S]*^fill +allocated all \1 frames in \d+ ms, then OutOfMemoryError\n +freed them all: \1 free$/m,
            hint: 'FrameAllocator.alloc and free, and the free count',
          },
        ],
      };
    },
  },
  {
    id: 'boot-dma',
    plan(random) {
      const bytes = 4 * (1024 + Math.floor(random() * 64 * 1024)); // 4 KiB .. 260 KiB
      const seed = 1 + Math.floor(random() * 1_000_000);
      const words = bytes / 4;
      const next = xorshift32(seed);
      let first = 0;
      let last = 0;
      for (let i = 0; i < words; i++) {
        last = next();
        if (i === 0) first = last;
      }
      const frames = Math.ceil(bytes / 4096);
      return {
        memory: '64M',
        append: `dma=${bytes} seed=${seed}`,
        expectExitCode: 0,
        expect: [
          {
            label: `a ${frames}-frame DMA buffer on a 64 KiB boundary`,
            pattern: new RegExp(
              `^dma +${formatBytes(bytes).replace('.', '\\.')} at 0x[0-9a-f]*0000: ${frames} frames, 64 KiB aligned`,
              'm',
            ),
            hint: 'allocContiguous: align the physical address, not the index in the zone',
          },
          {
            label: `seed ${seed}'s pattern read back through a second view`,
            pattern: new RegExp(
              `seed ${seed}: ${words} words written, read back 0 mismatches, first ${hex8(first)} last ${hex8(last)}`,
            ),
            hint: 'allocContiguous: the run must be free and must not overlap another allocation',
          },
          {
            label: 'a run larger than memory is a caught OutOfMemoryError',
            pattern: /^exhaustion +caught OutOfMemoryError: /m,
            hint: 'allocContiguous: throw OutOfMemoryError when no zone has a run',
          },
          {
            label: 'a double free and a foreign address are caught FrameErrors',
            pattern: /^double free +caught FrameError: [\s\S]*^foreign +caught FrameError: /m,
            hint: 'FrameAllocator.free: check before changing anything',
          },
          {
            label: 'every frame is free again at the end',
            pattern: /^frames +(\d+) total, \1 free, 0 used \(0 B\)\nstage 02 done: exit 0$/m,
            hint: 'free: count the frames it gives back',
          },
        ],
      };
    },
  },
];
