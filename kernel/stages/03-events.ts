/**
 * Stage 03 - Events. Interrupts and timers drive the kernel: concurrent
 * async tasks interleave on the APIC timer and on the serial port's
 * receive interrupt, and between events the CPU halts.
 *
 *   kindling boot 03                          (type into the console; q ends)
 *   kindling boot 03 --append "input=5000 sleeps=300,100,200"
 */
import { parseCommandLine } from '../src/boot/command-line';
import { COM1_IRQ, Serial } from '../src/drivers/serial';
import type { EventLoop } from '../src/events/loop';
import { startEvents } from '../src/events/setup';
import { boot } from '../src/runtime/boot';
import { hex } from '../src/util/format';

boot(async (hw) => {
  const serial = new Serial(hw);
  serial.init();
  const print = (line = '') => serial.write(`${line}\n`);
  print('Kindling stage 03: events');
  const options = parseCommandLine(hw.bootInfo().commandLine);
  const started = hw.clockNs();
  const stamp = () => `[${((hw.clockNs() - started) / 1e6).toFixed(1).padStart(7)} ms]`;

  // #region setup
  const events = startEvents(hw);
  const { loop, apic, ioapic, calibration } = events;
  print(
    `local APIC ${apic.id} at ${hex(apic.base)}; timer ${calibration.ticksPerNs.toFixed(3)} ticks/ns`,
  );
  const keyboard = events.bindIsaIrq(COM1_IRQ, 'COM1');
  serial.enableReceiveInterrupt();
  print(`IOAPIC at ${hex(ioapic.base)} with ${ioapic.pins} pins; COM1 (IRQ ${COM1_IRQ}) routed`);
  // #endregion setup

  // #region sleepers
  const sleeps = (options.get('sleeps') ?? '30,10,20').split(',').map(Number);
  print(`sleepers: ${sleeps.join(', ')} ms, all at once`);
  await Promise.all(
    sleeps.map(async (ms) => {
      const from = hw.clockNs();
      await loop.sleep(ms);
      print(`  sleeper ${ms} ms woke after ${((hw.clockNs() - from) / 1e6).toFixed(2)} ms`);
    }),
  );
  // #endregion sleepers

  // #region tasks
  const listenMs = Number(options.get('input') ?? 2000);
  print(`tickers and the keyboard for ${listenMs} ms: type here (q to stop listening)`);
  const done = { value: false };
  const ticker = async (name: string, periodMs: number) => {
    for (let tick = 1; !done.value; tick++) {
      await loop.sleep(periodMs);
      if (!done.value) print(`  ${stamp()} ${name} ${tick}`);
    }
  };
  const listen = async () => {
    const until = hw.clockNs() + listenMs * 1e6;
    while (hw.clockNs() < until) {
      const left = (until - hw.clockNs()) / 1e6;
      const heard = await loop.nextWithin(keyboard, left).then(
        () => true,
        () => false,
      );
      if (!heard) break;
      // One notification may stand for several bytes: drain the UART.
      for (let byte = serial.read(); byte !== undefined; byte = serial.read()) {
        print(`  ${stamp()} key ${JSON.stringify(String.fromCharCode(byte))} (${hex(byte, 2)})`);
        if (byte === 0x71) return; // q
      }
    }
  };
  await Promise.all([
    ticker('fast', 250),
    ticker('slow', 600),
    listen().finally(() => (done.value = true)),
  ]);
  // #endregion tasks

  await measureTimerAccuracy(loop, print, hw.bootInfo().hypervisor);

  const wall = hw.clockNs() - started;
  const idle = hw.idleStats();
  print(
    `idle: ${idle.halts} halts over ${loop.stats.iterations} loop turns; CPU halted ${((100 * idle.haltedNs) / wall).toFixed(1)}% of ${(wall / 1e9).toFixed(2)} s`,
  );
  print(
    `interrupts: ${keyboard.notifications} from COM1, ${loop.stats.timersFired} timers fired, ${loop.stats.strayVectors} stray`,
  );
  print('stage 03 done: exit 0');
  return 0;
});

// #region accuracy
/** Sleeps of several lengths, five each: how late does the loop wake us? */
async function measureTimerAccuracy(
  loop: EventLoop,
  print: (line: string) => void,
  hypervisor: string,
): Promise<void> {
  print(`timer accuracy (${hypervisor || 'bare metal'}): requested -> observed, median of 5`);
  for (const ms of [1, 2, 5, 10, 20, 50]) {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const from = loop.now();
      await loop.sleep(ms);
      samples.push((loop.now() - from) / 1e6);
    }
    const median = samples.sort((a, b) => a - b)[2]!;
    print(
      `  ${String(ms).padStart(2)} ms -> ${median.toFixed(3)} ms (+${((median - ms) * 1000).toFixed(0)} µs)`,
    );
  }
}
// #endregion accuracy
