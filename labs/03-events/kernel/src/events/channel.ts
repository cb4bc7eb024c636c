/**
 * An event channel: one source of notifications (an interrupt vector here;
 * a Xen event channel in chapter 9) that tasks can await.
 *
 * Notifications coalesce, as Xen's pending bits do: many notifications
 * before anyone looks are one pending event. A driver therefore treats a
 * notification as "go and look at the device", never as "one thing
 * happened".
 */

export class EventChannel {
  /** Notifications so far, for statistics; not a queue length. */
  notifications = 0;
  private pending = false;
  private waiters: (() => void)[] = [];

  constructor(readonly name: string) {}

  // #region notify
  notify(): void {
    // TODO(lab 03): count the notification; wake every waiter, or leave the event pending
    throw new Error(
      'lab 03: not written yet: count the notification; wake every waiter, or leave the event pending',
    );
  }
  // #endregion notify

  // #region next
  /** Resolves at the next notification, or at once if one is pending (consuming it). */
  next(): Promise<void> {
    // TODO(lab 03): consume a pending notification at once, or wait for notify()
    throw new Error(
      'lab 03: not written yet: consume a pending notification at once, or wait for notify()',
    );
  }
  // #endregion next

  /** Whether a task is waiting, i.e. whether an interrupt here could still matter. */
  get awaited(): boolean {
    return this.waiters.length > 0;
  }
}
