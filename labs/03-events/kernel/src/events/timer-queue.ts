/**
 * Pending timers, earliest first: a binary min-heap keyed by deadline
 * (ties broken by insertion order, so equal deadlines fire first-come).
 * Cancelled timers stay in the heap and are skipped when they surface,
 * which keeps cancel O(1).
 */

export interface Timer {
  readonly deadlineNs: number;
  readonly fire: () => void;
  cancelled: boolean;
}

interface Entry {
  timer: Timer;
  order: number;
}

export class TimerQueue {
  private readonly heap: Entry[] = [];
  private inserted = 0;
  private live = 0;

  /** Live (not cancelled, not fired) timers. */
  get size(): number {
    return this.live;
  }

  // #region add
  add(deadlineNs: number, fire: () => void): Timer {
    // TODO(lab 03): push the timer at the end of the heap and sift it up
    throw new Error(
      'lab 03: not written yet: push the timer at the end of the heap and sift it up',
    );
  }
  // #endregion add

  cancel(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** The earliest live deadline, or Infinity. */
  nextDeadline(): number {
    this.dropCancelled();
    return this.heap[0]?.timer.deadlineNs ?? Infinity;
  }

  // #region take-due
  /** Removes and returns the live timers due at `nowNs`, earliest first. */
  takeDue(nowNs: number): Timer[] {
    // TODO(lab 03): pop timers off the top while the earliest deadline is <= nowNs
    // Skip cancelled ones (dropCancelled), and keep `live` right.
    throw new Error(
      'lab 03: not written yet: pop timers off the top while the earliest deadline is <= nowNs',
    );
  }
  // #endregion take-due

  private dropCancelled(): void {
    while (this.heap[0]?.timer.cancelled) this.pop();
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private before(a: Entry, b: Entry): boolean {
    return (
      a.timer.deadlineNs < b.timer.deadlineNs ||
      (a.timer.deadlineNs === b.timer.deadlineNs && a.order < b.order)
    );
  }

  private siftUp(index: number): void {
    const { heap } = this;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index]!, heap[parent]!)) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const { heap } = this;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}
