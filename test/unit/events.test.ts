import { describe, expect, it } from 'vitest';
import { Cancellation, CancelledError } from '../../kernel/src/events/cancel';
import { EventLoop, TimeoutError } from '../../kernel/src/events/loop';
import { startEvents, TIMER_VECTOR } from '../../kernel/src/events/setup';
import { COM1_IRQ, Serial } from '../../kernel/src/drivers/serial';
import { createPc } from '../../kernel/hosted/pc';
import { HostedMachine } from '../../kernel/hosted/machine';

const ms = 1e6;

describe('startEvents on the hosted PC', () => {
  it('enables the APIC, calibrates its timer and routes ISA IRQs through the IOAPIC', () => {
    const { machine, lapic, ioapic } = createPc();
    const events = startEvents(machine);
    expect(lapic.spuriousVector).toBe(0x1ff); // software enable + vector 0xff
    expect(lapic.lint0 & (1 << 16)).not.toBe(0);
    expect(events.calibration.ticksPerNs).toBeCloseTo(1, 2);
    events.bindIsaIrq(COM1_IRQ, 'COM1');
    expect(ioapic.route(4)).toEqual({ vector: 0x30, masked: false, level: false, destination: 0 });
    events.bindIsaIrq(0, 'PIT');
    expect(ioapic.route(2).vector).toBe(0x31); // IRQ 0 is wired to pin 2
  });

  it('wakes sleepers in deadline order at the right virtual time, on timer interrupts', async () => {
    const { machine, lapic } = createPc();
    const { loop } = startEvents(machine);
    const woke: [number, number][] = [];
    const start = machine.nowNs;
    const main = async () => {
      await Promise.all(
        [30, 10, 20].map(async (n) => {
          await loop.sleep(n);
          woke.push([n, (machine.nowNs - start) / ms]);
        }),
      );
      machine.exit(0);
    };
    void main();
    expect(await machine.run()).toBe(0);
    expect(woke.map(([n]) => n)).toEqual([10, 20, 30]);
    for (const [n, at] of woke) {
      expect(at).toBeGreaterThanOrEqual(n);
      expect(at).toBeLessThan(n + 1);
    }
    expect(lapic.timerInterrupts).toBeGreaterThanOrEqual(3);
    expect(lapic.endOfInterrupts).toBe(lapic.timerInterrupts);
    expect(machine.idleStats().haltedNs).toBeGreaterThan(29 * ms);
  });

  it('turns a serial receive interrupt into a channel notification and an EOI', async () => {
    const { machine, lapic, uart } = createPc();
    const events = startEvents(machine);
    const serial = new Serial(machine);
    const keyboard = events.bindIsaIrq(COM1_IRQ, 'COM1');
    serial.enableReceiveInterrupt();
    machine.schedule(machine.nowNs + 5 * ms, () => uart.receive('ab'));
    const got: number[] = [];
    void (async () => {
      await events.loop.nextWithin(keyboard, 100);
      for (let b = serial.read(); b !== undefined; b = serial.read()) got.push(b);
      machine.exit(0);
    })();
    await machine.run();
    expect(got).toEqual([0x61, 0x62]);
    expect(keyboard.notifications).toBe(1);
    expect(lapic.endOfInterrupts).toBeGreaterThanOrEqual(1);
    expect(events.loop.stats.strayVectors).toBe(0);
  });
});

/** A loop over a bare hosted machine, with an alarm that schedules the timer vector. */
function bareLoop() {
  const machine = new HostedMachine();
  const acknowledged: number[] = [];
  const loop = new EventLoop(
    machine,
    {
      vector: TIMER_VECTOR,
      arm: (deadline) => {
        if (deadline !== Infinity) machine.schedule(deadline, () => machine.raise(TIMER_VECTOR));
      },
    },
    (vector) => acknowledged.push(vector),
  ).install();
  return { machine, loop, acknowledged };
}

describe('EventLoop', () => {
  it('times out a promise that takes too long, and not one that does not', async () => {
    const { machine, loop } = bareLoop();
    const results: string[] = [];
    void (async () => {
      await loop.timeout(loop.sleep(5), 10).then(() => results.push('fast ok'));
      await loop.timeout(loop.sleep(50), 10).catch((e: unknown) => results.push(String(e)));
      machine.exit(0);
    })();
    await machine.run();
    expect(results).toEqual(['fast ok', 'TimeoutError: timed out after 10 ms']);
    expect(new TimeoutError('x').name).toBe('TimeoutError');
  });

  it('cancels a sleep: it rejects with the reason and its timer no longer keeps the loop alive', async () => {
    const { machine, loop } = bareLoop();
    const cancellation = new Cancellation();
    let outcome: unknown;
    void loop.sleep(1000, cancellation).catch((error: unknown) => (outcome = error));
    cancellation.cancel();
    await expect(machine.run()).rejects.toThrow(/deadlock/);
    expect(outcome).toBeInstanceOf(CancelledError);
    expect(machine.nowNs).toBe(0); // no time was spent waiting for the cancelled timer
  });

  it('reports a deadlock when a task awaits something nothing can deliver', async () => {
    const { machine, loop } = bareLoop();
    void loop.channel(0x40).next();
    // Someone listens on vector 0x40 but no device will ever raise it.
    await expect(machine.run()).rejects.toThrow(/halt forever/);
  });

  it('counts vectors nobody bound as stray, and still acknowledges them', async () => {
    const { machine, loop, acknowledged } = bareLoop();
    machine.schedule(1 * ms, () => machine.raise(0x55));
    void (async () => {
      await loop.sleep(2);
      machine.exit(0);
    })();
    await machine.run();
    expect(loop.stats.strayVectors).toBe(1);
    expect(acknowledged).toContain(0x55);
  });
});
