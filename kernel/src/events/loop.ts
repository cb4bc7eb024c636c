/**
 * The event loop: Kindling's scheduler. One CPU, no threads, no preemption.
 * TypeScript runs until every ready job has run; then the platform calls
 * idle(), which arms the timer for the earliest deadline, halts in wait(),
 * and turns what fired into resolved promises, which makes jobs ready again.
 *
 *   jobs run -> queue empty -> idle(): arm timer, wait(), notify, fire -> jobs run
 */
import type { Hardware } from '../abi/hardware';
import { type Cancellation, CancelledError } from './cancel';
import { EventChannel } from './channel';
import { TimerQueue } from './timer-queue';

/** What the loop needs from the machine: time, waiting, and the idle hook. */
export type LoopHardware = Pick<Hardware, 'clockNs' | 'wait' | 'setIdleHandler'>;

/** The loop's alarm clock (the APIC timer on metal), ringing on `vector`. */
export interface Alarm {
  readonly vector: number;
  arm(deadlineNs: number, nowNs: number): void;
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export interface LoopStats {
  /** Times idle() ran, i.e. the loop went to the platform for more work. */
  iterations: number;
  /** Vectors that fired with nothing bound to them. */
  strayVectors: number;
  timersFired: number;
}

export class EventLoop {
  readonly stats: LoopStats = { iterations: 0, strayVectors: 0, timersFired: 0 };
  private readonly timers = new TimerQueue();
  private readonly channels = new Map<number, EventChannel>();

  /**
   * @param acknowledge sends the end-of-interrupt for a vector once its
   *   channel has been notified (the local APIC's EOI on metal).
   */
  constructor(
    private readonly hw: LoopHardware,
    private readonly alarm: Alarm,
    private readonly acknowledge: (vector: number) => void,
  ) {}

  /** Hands the loop to the platform: from now on it runs whenever the kernel is idle. */
  install(): this {
    this.hw.setIdleHandler(() => this.idle());
    return this;
  }

  now(): number {
    return this.hw.clockNs();
  }

  // #region sleep
  /** Resolves at `deadlineNs`; rejects with the reason if cancelled first. */
  at(deadlineNs: number, cancellation?: Cancellation): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.timers.add(deadlineNs, resolve);
      cancellation?.onCancel((reason) => {
        this.timers.cancel(timer);
        reject(reason);
      });
    });
  }

  sleep(ms: number, cancellation?: Cancellation): Promise<void> {
    return this.at(this.now() + ms * 1e6, cancellation);
  }
  // #endregion sleep

  /** Settles like `promise`, or rejects with TimeoutError after `ms`. */
  timeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.timers.add(this.now() + ms * 1e6, () =>
        reject(new TimeoutError(`timed out after ${ms} ms`)),
      );
      promise.then(
        (value) => {
          this.timers.cancel(timer);
          resolve(value);
        },
        (error: unknown) => {
          this.timers.cancel(timer);
          reject(error);
        },
      );
    });
  }

  /** The channel for interrupt `vector`, created on first use. */
  channel(vector: number, name = `vector ${vector}`): EventChannel {
    let channel = this.channels.get(vector);
    if (!channel) this.channels.set(vector, (channel = new EventChannel(name)));
    return channel;
  }

  /** Waits for the channel's next notification, at most `ms` (then TimeoutError). */
  nextWithin(channel: EventChannel, ms: number): Promise<void> {
    return this.timeout(channel.next(), ms);
  }

  // #region idle
  /** One turn of the loop; false when nothing could ever wake the kernel again. */
  idle(): boolean {
    this.stats.iterations++;
    const deadline = this.timers.nextDeadline();
    const listening = [...this.channels.values()].some((channel) => channel.awaited);
    if (deadline === Infinity && !listening) return false;

    this.alarm.arm(deadline, this.now());
    for (const vector of this.hw.wait(deadline)) {
      const channel = this.channels.get(vector);
      if (channel) channel.notify();
      else if (vector !== this.alarm.vector) this.stats.strayVectors++;
      this.acknowledge(vector);
    }
    for (const timer of this.timers.takeDue(this.now())) {
      this.stats.timersFired++;
      timer.fire();
    }
    return true;
  }
  // #endregion idle
}

export { CancelledError };
