/**
 * Cancellation for sleeps and waits. QuickJS has no AbortController, and a
 * kernel wants only this much of it: cancel once, with a reason, and let
 * whoever is waiting clean up.
 */

export class CancelledError extends Error {
  override name = 'CancelledError';
}

export class Cancellation {
  private reasonValue: Error | undefined;
  private readonly listeners: ((reason: Error) => void)[] = [];

  get cancelled(): boolean {
    return this.reasonValue !== undefined;
  }

  get reason(): Error | undefined {
    return this.reasonValue;
  }

  cancel(reason: Error = new CancelledError('cancelled')): void {
    if (this.reasonValue) return;
    this.reasonValue = reason;
    for (const listener of this.listeners.splice(0)) listener(reason);
  }

  /** Runs `listener` on cancellation (now, if already cancelled). */
  onCancel(listener: (reason: Error) => void): void {
    if (this.reasonValue) listener(this.reasonValue);
    else this.listeners.push(listener);
  }
}
