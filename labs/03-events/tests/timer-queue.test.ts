/**
 * Lab 03 hosted tests: the timer heap. Titles start with the rubric id.
 */
import { describe, expect, it } from 'vitest';
import { type Timer, TimerQueue } from '../../../kernel/src/events/timer-queue';

const labels = new WeakMap<Timer, string>();

/** Adds a timer and remembers which one it is. */
function add(queue: TimerQueue, deadline: number, label: string): Timer {
  const timer = queue.add(deadline, () => {});
  labels.set(timer, label);
  return timer;
}

/** The labels of the timers due at `now`, in the order takeDue hands them out. */
function fired(queue: TimerQueue, now: number): string[] {
  return queue.takeDue(now).map((timer) => labels.get(timer) ?? '(a timer add() did not return)');
}

describe('TimerQueue', () => {
  it('timer-order: takeDue returns the due timers, earliest deadline first', () => {
    const queue = new TimerQueue();
    add(queue, 30, 'c');
    add(queue, 10, 'a');
    add(queue, 20, 'b');
    add(queue, 50, 'e');
    expect(queue.size, 'size counts live timers').toBe(4);
    expect(queue.nextDeadline(), 'nextDeadline is the smallest deadline').toBe(10);
    expect(fired(queue, 25), 'due at 25: the ones at 10 and 20, in that order').toEqual(['a', 'b']);
    expect(queue.size).toBe(2);
    expect(fired(queue, 25), 'a timer fires once').toEqual([]);
    expect(fired(queue, 1000)).toEqual(['c', 'e']);
    expect(queue.nextDeadline(), 'an empty queue has no deadline').toBe(Infinity);
  });

  it('timer-order: equal deadlines fire in the order they were added', () => {
    const queue = new TimerQueue();
    for (const label of ['first', 'second', 'third']) add(queue, 5, label);
    expect(fired(queue, 5)).toEqual(['first', 'second', 'third']);
  });

  it('timer-cancel: cancelled timers never fire and do not count', () => {
    const queue = new TimerQueue();
    const a = add(queue, 10, 'a');
    add(queue, 20, 'b');
    const c = add(queue, 30, 'c');
    queue.cancel(a);
    queue.cancel(c);
    queue.cancel(c); // twice is harmless
    expect(queue.size).toBe(1);
    expect(queue.nextDeadline(), 'a cancelled timer is not the next deadline').toBe(20);
    expect(fired(queue, 100)).toEqual(['b']);
    expect(queue.size).toBe(0);
  });

  it('timer-cancel: cancelling a timer that already fired changes nothing', () => {
    const queue = new TimerQueue();
    const a = add(queue, 1, 'a');
    add(queue, 2, 'b');
    expect(fired(queue, 1)).toEqual(['a']);
    queue.cancel(a);
    expect(queue.size, 'b is still live').toBe(1);
  });

  it('timer-random: matches a sorted list over random adds, cancels and takes', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const queue = new TimerQueue();
    const model: { deadline: number; label: string; order: number }[] = [];
    const handles = new Map<string, Timer>();
    let now = 0;
    for (let step = 0; step < 2000; step++) {
      const choice = random();
      if (choice < 0.55) {
        const label = `t${step}`;
        const deadline = now + Math.floor(random() * 100);
        handles.set(label, add(queue, deadline, label));
        model.push({ deadline, label, order: step });
      } else if (choice < 0.7 && model.length > 0) {
        const [victim] = model.splice(Math.floor(random() * model.length), 1);
        queue.cancel(handles.get(victim!.label)!);
      } else {
        now += Math.floor(random() * 30);
        model.sort((x, y) => x.deadline - y.deadline || x.order - y.order);
        const due = model.filter((t) => t.deadline <= now).map((t) => t.label);
        model.splice(0, due.length);
        expect(fired(queue, now), `step ${step}: due at ${now}`).toEqual(due);
      }
      expect(queue.size, `step ${step}: live timers`).toBe(model.length);
    }
  });
});
