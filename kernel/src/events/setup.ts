/**
 * Bringing the event loop up on a PC: the local APIC (EOI and timer), the
 * IOAPIC (device lines), the timer calibrated against the TSC clock, and
 * the loop installed as the platform's idle handler.
 */
import type { Hardware } from '../abi/hardware';
import { LocalApic, SPURIOUS_VECTOR } from './apic';
import { ApicTimer, type Calibration } from './apic-timer';
import type { EventChannel } from './channel';
import { IoApic, isaIrqPin } from './ioapic';
import { EventLoop } from './loop';

/** Vector numbers: the timer, then devices from 0x30, the spurious vector last. */
export const TIMER_VECTOR = 0x20;
const FIRST_DEVICE_VECTOR = 0x30;

export interface Events {
  loop: EventLoop;
  apic: LocalApic;
  ioapic: IoApic;
  timer: ApicTimer;
  calibration: Calibration;
  /** Routes ISA IRQ `irq` (edge-triggered, active high) to a fresh vector's channel. */
  bindIsaIrq(irq: number, name: string): EventChannel;
  /** A fresh vector and its channel, for a device that signals by message (MSI-X). */
  bindMessage(name: string): { vector: number; apicId: number; channel: EventChannel };
}

// #region start
export function startEvents(hw: Hardware): Events {
  const apic = LocalApic.enable(hw);
  const timer = new ApicTimer(apic, () => hw.clockNs(), TIMER_VECTOR);
  const calibration = timer.calibrate();
  const ioapic = new IoApic(hw);
  const loop = new EventLoop(hw, timer, (vector) => {
    // The spurious vector is the one interrupt that must not be acknowledged.
    if (vector !== SPURIOUS_VECTOR) apic.endOfInterrupt();
  }).install();
  let nextVector = FIRST_DEVICE_VECTOR;
  const allocateVector = () => {
    if (nextVector >= SPURIOUS_VECTOR) throw new Error('out of interrupt vectors');
    return nextVector++;
  };
  return {
    loop,
    apic,
    ioapic,
    timer,
    calibration,
    bindIsaIrq(irq, name) {
      const vector = allocateVector();
      ioapic.route(isaIrqPin(irq), vector, { destination: apic.id });
      return loop.channel(vector, name);
    },
    bindMessage(name) {
      const vector = allocateVector();
      return { vector, apicId: apic.id, channel: loop.channel(vector, name) };
    },
  };
}
// #endregion start
