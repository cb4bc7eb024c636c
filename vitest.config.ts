import { defineConfig } from 'vitest/config';

// Three kinds of test, run by `npm test` in this order of cost:
//   unit — kernel modules against the hosted twin, in Node (seconds);
//   boot — real QEMU boots of the stage images (a minute or two under TCG);
//   docs — the site builds and renders in headless Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts', 'labs/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'boot',
          sequence: { groupOrder: 1 },
          include: ['test/boot/**/*.test.ts'],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // QEMU under TCG wants a whole core; two boots at once on two cores is the limit.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'docs',
          sequence: { groupOrder: 2 },
          include: ['test/docs/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
