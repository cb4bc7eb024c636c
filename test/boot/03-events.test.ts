import { describe, expect, it } from 'vitest';
import { bootStage } from './boot';

describe('stage 03 on QEMU', () => {
  it('wakes concurrent sleepers in deadline order, each no earlier than asked', async () => {
    const result = await bootStage('03', { append: 'input=0 sleeps=90,30,60' });
    expect(result.code).toBe(0);
    const woke = [...result.output.matchAll(/sleeper (\d+) ms woke after ([\d.]+) ms/g)].map(
      (m) => [Number(m[1]), Number(m[2])],
    );
    expect(woke.map(([asked]) => asked)).toEqual([30, 60, 90]);
    for (const [asked, observed] of woke) expect(observed!).toBeGreaterThanOrEqual(asked!);
  });

  it('takes serial receive interrupts while timer tasks interleave', async () => {
    const result = await bootStage('03', {
      append: 'input=4000 sleeps=1',
      input: { after: 'type here', text: 'k9q' },
    });
    expect(result.code).toBe(0);
    const out = result.output;
    expect(out).toMatch(/COM1 \(IRQ 4\) routed/);
    const keys = [...out.matchAll(/key "(.)" \(0x[0-9a-f]{2}\)/g)].map((m) => m[1]);
    expect(keys).toEqual(['k', '9', 'q']);
    // 'q' ends listening early: the stage did not wait out the 4 s.
    const seconds = Number(/CPU halted [\d.]+% of ([\d.]+) s/.exec(out)![1]);
    expect(seconds).toBeLessThan(3.5);
    expect(out).toMatch(/interrupts: [1-3] from COM1, \d+ timers fired, 0 stray/);
  });

  it('halts the CPU when idle and never wakes a sleeper early', async () => {
    const result = await bootStage('03', { append: 'input=1000 sleeps=5' });
    expect(result.code).toBe(0);
    const out = result.output;
    // A ticker every 250 ms and one every 600 ms over a one-second listen.
    expect(out).toMatch(/fast 1\n/);
    expect(out).toMatch(/slow 1\n/);
    const halted = Number(/CPU halted ([\d.]+)%/.exec(out)![1]);
    expect(halted).toBeGreaterThan(50);
    for (const m of out.matchAll(/^ +(\d+) ms -> ([\d.]+) ms/gm)) {
      const [asked, observed] = [Number(m[1]), Number(m[2])];
      expect(observed).toBeGreaterThanOrEqual(asked);
      // Under TCG on a loaded CI machine a wake-up can be late; never early.
      expect(observed - asked).toBeLessThan(25);
    }
    expect(out).toMatch(/stage 03 done: exit 0\n$/);
  });
});
