/**
 * A model of the local APIC for the hosted twin: the registers the kernel
 * uses, and a one-shot timer that counts at `ticksPerNs` of virtual time
 * (QEMU's counts at 1 GHz) and raises its vector through the machine.
 */
import type { HostedMachine, MmioDevice } from './machine';

export const LAPIC_BASE = 0xfee0_0000;

export class LocalApicModel implements MmioDevice {
  spuriousVector = 0;
  lvtTimer = 1 << 16;
  lint0 = 1 << 16;
  lint1 = 1 << 16;
  lvtError = 1 << 16;
  divide = 0;
  endOfInterrupts = 0;
  timerInterrupts = 0;
  private initialCount = 0;
  private armedAtNs = 0;
  private readonly fire = () => this.expire();

  constructor(
    private readonly machine: HostedMachine,
    readonly ticksPerNs = 1,
  ) {}

  private get divisor(): number {
    const code = (this.divide & 3) | ((this.divide & 8) >> 1);
    return code === 7 ? 1 : 2 << code;
  }

  private get currentCount(): number {
    if (this.initialCount === 0) return 0;
    const elapsed = ((this.machine.nowNs - this.armedAtNs) * this.ticksPerNs) / this.divisor;
    return Math.max(0, this.initialCount - Math.floor(elapsed));
  }

  read(offset: number): number {
    switch (offset) {
      case 0x20:
        return 0; // APIC id 0
      case 0x30:
        return 0x50014; // version 0x14, 6 LVT entries
      case 0xf0:
        return this.spuriousVector;
      case 0x320:
        return this.lvtTimer;
      case 0x390:
        return this.currentCount;
      case 0x3e0:
        return this.divide;
      default:
        return 0;
    }
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case 0xb0:
        this.endOfInterrupts++;
        break;
      case 0xf0:
        this.spuriousVector = value;
        break;
      case 0x320:
        this.lvtTimer = value;
        break;
      case 0x350:
        this.lint0 = value;
        break;
      case 0x360:
        this.lint1 = value;
        break;
      case 0x370:
        this.lvtError = value;
        break;
      case 0x380:
        this.arm(value);
        break;
      case 0x3e0:
        this.divide = value;
        break;
    }
  }

  private arm(count: number): void {
    this.machine.unschedule((action) => action !== this.fire);
    this.initialCount = count;
    this.armedAtNs = this.machine.nowNs;
    if (count > 0)
      this.machine.schedule(this.armedAtNs + (count * this.divisor) / this.ticksPerNs, this.fire);
  }

  private expire(): void {
    this.initialCount = 0;
    if (this.lvtTimer & (1 << 16)) return; // masked
    this.timerInterrupts++;
    this.machine.raise(this.lvtTimer & 0xff);
  }
}
