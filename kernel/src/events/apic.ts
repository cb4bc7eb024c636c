/**
 * The local APIC: each CPU's interrupt controller, at the physical address
 * in the IA32_APIC_BASE MSR (0xfee00000 on QEMU), as 32-bit registers on
 * 16-byte boundaries. Kindling uses it for two things: acknowledging
 * interrupts (EOI) and its timer (apic-timer.ts).
 */
import type { Hardware } from '../abi/hardware';

export const IA32_APIC_BASE = 0x1b;
const APIC_GLOBAL_ENABLE = 1n << 11n;
const LVT_MASKED = 1 << 16;

export const enum ApicRegister {
  Id = 0x20,
  Version = 0x30,
  EndOfInterrupt = 0xb0,
  SpuriousVector = 0xf0,
  ErrorStatus = 0x280,
  LvtTimer = 0x320,
  LvtLint0 = 0x350,
  LvtLint1 = 0x360,
  LvtError = 0x370,
  TimerInitialCount = 0x380,
  TimerCurrentCount = 0x390,
  TimerDivide = 0x3e0,
}

export const SPURIOUS_VECTOR = 0xff;

export type ApicHardware = Pick<Hardware, 'rdmsr' | 'wrmsr' | 'mmioRead32' | 'mmioWrite32'>;

export class LocalApic {
  constructor(
    private readonly hw: ApicHardware,
    readonly base: number,
  ) {}

  // #region enable
  /** Finds the APIC through its MSR, turns it on, and masks the legacy inputs. */
  static enable(hw: ApicHardware): LocalApic {
    let msr = hw.rdmsr(IA32_APIC_BASE);
    if (!(msr & APIC_GLOBAL_ENABLE)) hw.wrmsr(IA32_APIC_BASE, (msr |= APIC_GLOBAL_ENABLE));
    const apic = new LocalApic(hw, Number(msr & 0xffff_f000n));
    // Bit 8 of the spurious-vector register is the software enable.
    apic.write(ApicRegister.SpuriousVector, 0x100 | SPURIOUS_VECTOR);
    // LINT0/LINT1 carry the old PIC and NMI wiring; devices come through the IOAPIC.
    apic.write(ApicRegister.LvtLint0, LVT_MASKED);
    apic.write(ApicRegister.LvtLint1, LVT_MASKED);
    apic.write(ApicRegister.LvtError, LVT_MASKED);
    return apic;
  }
  // #endregion enable

  read(register: ApicRegister): number {
    return this.hw.mmioRead32(this.base + register);
  }

  write(register: ApicRegister, value: number): void {
    this.hw.mmioWrite32(this.base + register, value >>> 0);
  }

  get id(): number {
    return this.read(ApicRegister.Id) >>> 24;
  }

  /** Ends the highest-priority interrupt in service, letting lower ones through. */
  endOfInterrupt(): void {
    this.write(ApicRegister.EndOfInterrupt, 0);
  }
}
