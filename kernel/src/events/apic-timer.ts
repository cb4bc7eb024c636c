/**
 * The local APIC timer as the event loop's alarm clock: one-shot, armed for
 * the earliest pending deadline before every wait(). Its tick rate is not
 * specified anywhere the kernel can read, so it is measured against the
 * TSC-based clock at boot.
 */
import { ApicRegister, type LocalApic } from './apic';

const DIVIDE_BY_1 = 0b1011;
const LVT_MASKED = 1 << 16;
const MAX_COUNT = 0xffff_ffff;

export interface Calibration {
  ticksPerNs: number;
  sampleNs: number;
}

export class ApicTimer {
  private ticksPerNs = 0;

  constructor(
    private readonly apic: LocalApic,
    private readonly clockNs: () => number,
    readonly vector: number,
  ) {}

  // #region calibrate
  /**
   * Lets the timer count down from its maximum for about `sampleNs` of TSC
   * time. Each register read is bracketed by two clock reads and timed at
   * their midpoint: under emulation one MMIO read costs tens of
   * microseconds, enough to skew a 10 ms sample by a percent.
   */
  calibrate(sampleNs = 20_000_000): Calibration {
    const { apic } = this;
    apic.write(ApicRegister.TimerDivide, DIVIDE_BY_1);
    apic.write(ApicRegister.LvtTimer, LVT_MASKED | this.vector);
    apic.write(ApicRegister.TimerInitialCount, MAX_COUNT);
    const first = this.sampleCount();
    let now = first.atNs;
    while (now - first.atNs < sampleNs) now = this.clockNs();
    const last = this.sampleCount();
    apic.write(ApicRegister.TimerInitialCount, 0);
    const elapsedNs = last.atNs - first.atNs;
    this.ticksPerNs = (first.count - last.count) / elapsedNs;
    if (!(this.ticksPerNs > 0)) throw new Error('APIC timer: it did not count during calibration');
    return { ticksPerNs: this.ticksPerNs, sampleNs: elapsedNs };
  }

  private sampleCount(): { count: number; atNs: number } {
    const before = this.clockNs();
    const count = this.apic.read(ApicRegister.TimerCurrentCount);
    return { count, atNs: (before + this.clockNs()) / 2 };
  }
  // #endregion calibrate

  // #region arm
  /**
   * Raises the timer's vector at `deadlineNs`, or never (Infinity). A
   * deadline beyond the counter's range arms the maximum: an early wake-up
   * is harmless, the loop simply arms again.
   */
  arm(deadlineNs: number, nowNs: number): void {
    if (this.ticksPerNs === 0) throw new Error('APIC timer: calibrate() before arm()');
    if (deadlineNs === Infinity) {
      this.apic.write(ApicRegister.TimerInitialCount, 0); // 0 stops the timer
      return;
    }
    const ticks = Math.ceil(Math.max(0, deadlineNs - nowNs) * this.ticksPerNs);
    this.apic.write(ApicRegister.LvtTimer, this.vector); // one-shot, unmasked
    this.apic.write(ApicRegister.TimerInitialCount, Math.min(Math.max(ticks, 1), MAX_COUNT));
  }
  // #endregion arm
}
