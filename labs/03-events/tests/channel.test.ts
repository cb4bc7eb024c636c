/**
 * Lab 03 hosted tests: event channels. Titles start with the rubric id.
 */
import { describe, expect, it } from 'vitest';
import { EventChannel } from '../../../kernel/src/events/channel';

/** Whether `promise` has settled once all queued jobs have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('EventChannel', () => {
  it('channel-pending: a notification nobody waited for is kept for the next next()', async () => {
    const channel = new EventChannel('test');
    channel.notify();
    expect(await settled(channel.next()), 'next() after notify() resolves at once').toBe(true);
    expect(await settled(channel.next()), 'the pending notification was consumed').toBe(false);
  });

  it('channel-pending: notifications coalesce like Xen pending bits', async () => {
    const channel = new EventChannel('test');
    channel.notify();
    channel.notify();
    channel.notify();
    expect(channel.notifications, 'every notify() is counted').toBe(3);
    expect(await settled(channel.next())).toBe(true);
    expect(await settled(channel.next()), 'three notifications, one pending event').toBe(false);
  });

  it('channel-waiters: one notification wakes every task waiting, and leaves nothing pending', async () => {
    const channel = new EventChannel('test');
    const first = channel.next();
    const second = channel.next();
    expect(channel.awaited, 'two tasks are waiting').toBe(true);
    channel.notify();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    expect(channel.awaited).toBe(false);
    expect(await settled(channel.next()), 'the waiters consumed the notification').toBe(false);
  });

  it('channel-waiters: a waiter is not woken before a notification', async () => {
    const channel = new EventChannel('test');
    const waiting = channel.next();
    expect(await settled(waiting)).toBe(false);
    channel.notify();
    expect(await settled(waiting)).toBe(true);
  });
});
