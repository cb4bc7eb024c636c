/**
 * Lab 04 hosted tests: the split virtqueue's driver side, checked byte by
 * byte against the virtio 1.x layout. The test plays the device, reading
 * and writing the rings in simulated RAM. Titles start with the rubric id.
 */
import { describe, expect, it } from 'vitest';
import { allocDma } from '../../../kernel/src/memory/dma';
import { FrameAllocator } from '../../../kernel/src/memory/frames';
import { DeviceError, Virtqueue } from '../../../kernel/src/virtio/virtqueue';
import { HostedMachine } from '../../../kernel/hosted/machine';

const MiB = 1024 * 1024;

function setup(size = 8) {
  const machine = new HostedMachine({ memoryBytes: 32 * MiB, reserved: [] });
  const frames = new FrameAllocator([{ base: 8 * MiB, length: 16 * MiB }]);
  let kicks = 0;
  const queue = new Virtqueue<string | number>(
    0,
    size,
    (bytes, options) => allocDma(frames, machine, bytes, options),
    () => kicks++,
  );
  const view = new DataView(machine.ram.buffer);
  const { descriptors, driver, device } = queue.addresses;
  const device_ = {
    descriptor: (i: number) => ({
      address: Number(view.getBigUint64(descriptors + 16 * i, true)),
      length: view.getUint32(descriptors + 16 * i + 8, true),
      flags: view.getUint16(descriptors + 16 * i + 12, true),
      next: view.getUint16(descriptors + 16 * i + 14, true),
    }),
    availIdx: () => view.getUint16(driver + 2, true),
    availRing: (slot: number) => view.getUint16(driver + 4 + 2 * slot, true),
    /** Walks a chain from `head` the way the device does. */
    chain(head: number) {
      const parts = [];
      for (let i = head, n = 0; n <= size; n++) {
        const d = this.descriptor(i);
        parts.push(d);
        if (!(d.flags & 1)) return parts;
        i = d.next;
      }
      throw new Error('the chain never ends (a loop in the next fields?)');
    },
    /** The device completes `head`, having written `written` bytes. */
    complete(head: number, written: number, usedIdx?: number) {
      const idx = view.getUint16(device + 2, true);
      view.setUint32(device + 4 + 8 * (idx % size), head, true);
      view.setUint32(device + 4 + 8 * (idx % size) + 4, written, true);
      view.setUint16(device + 2, usedIdx ?? (idx + 1) & 0xffff, true);
    },
  };
  return { queue, device: device_, kicks: () => kicks };
}

const segments = [
  { address: 0x10_0000, length: 16, writable: false },
  { address: 0x10_1000, length: 512, writable: true },
  { address: 0x10_2000, length: 1, writable: true },
];

describe('Virtqueue.add', () => {
  it('add-chain: writes each segment as a descriptor, linked with NEXT, writable ones flagged WRITE', () => {
    const { queue, device } = setup();
    expect(queue.add(segments, 'read'), 'add() returns true when the request fits').toBe(true);
    const head = device.availRing(0);
    const chain = device.chain(head);
    expect(
      chain.map((d) => d.address),
      'descriptor addresses, in segment order',
    ).toEqual([0x10_0000, 0x10_1000, 0x10_2000]);
    expect(
      chain.map((d) => d.length),
      'descriptor lengths',
    ).toEqual([16, 512, 1]);
    expect(
      chain.map((d) => d.flags),
      'flags: NEXT (1) on all but the last, WRITE (2) on writable ones',
    ).toEqual([1, 3, 2]);
    expect(queue.freeDescriptors, 'three descriptors are now in use').toBe(5);
  });

  it('add-chain: two requests use different descriptors', () => {
    const { queue, device } = setup();
    queue.add(segments, 'a');
    queue.add([{ address: 0x20_0000, length: 8, writable: false }], 'b');
    const first = device.chain(device.availRing(0)).map((d) => d.address);
    const second = device.chain(device.availRing(1)).map((d) => d.address);
    expect(second, 'the second request has its own descriptor').toEqual([0x20_0000]);
    expect(first, 'and the first is intact').toEqual([0x10_0000, 0x10_1000, 0x10_2000]);
  });

  it('add-publish: puts the head in the available ring and advances avail.idx by one per request', () => {
    const { queue, device } = setup();
    expect(device.availIdx()).toBe(0);
    queue.add(segments, 'a');
    expect(device.availIdx(), 'avail.idx counts published requests').toBe(1);
    queue.add(segments.slice(0, 1), 'b');
    expect(device.availIdx()).toBe(2);
    expect(device.availRing(1), 'ring[1] is the head of the second chain').not.toBe(
      device.availRing(0),
    );
  });

  it('add-full: refuses a request that needs more descriptors than are free, changing nothing', () => {
    const { queue, device } = setup(4);
    expect(queue.add(segments, 'a')).toBe(true);
    expect(queue.add(segments, 'b'), 'only one descriptor is left for three segments').toBe(false);
    expect(device.availIdx(), 'a refused request is not published').toBe(1);
    expect(queue.freeDescriptors).toBe(1);
    expect(queue.add(segments.slice(0, 1), 'c'), 'but a one-segment request still fits').toBe(true);
  });
});

describe('Virtqueue.takeUsed', () => {
  it('used-collect: returns each completion once, with its token and the bytes written', () => {
    const { queue, device } = setup();
    queue.add(segments, 'first');
    queue.add(segments, 'second');
    expect(queue.takeUsed(), 'nothing is used yet').toEqual([]);
    device.complete(device.availRing(1), 513);
    device.complete(device.availRing(0), 1);
    expect(
      queue.takeUsed(),
      'completions in used-ring order, which may differ from submission',
    ).toEqual([
      { token: 'second', written: 513 },
      { token: 'first', written: 1 },
    ]);
    expect(queue.takeUsed(), 'each completion is returned once').toEqual([]);
  });

  it('used-collect: recycles descriptors, so the queue runs forever', () => {
    const { queue, device } = setup(4);
    for (let round = 0; round < 70_000; round += 1) {
      expect(
        queue.add(segments.slice(0, 2), round),
        `round ${round}: descriptors were not freed`,
      ).toBe(true);
      device.complete(device.availRing(round % 4), 0);
      expect(queue.takeUsed().map((c) => c.token)).toEqual([round]);
      if (round > 20) round += 997; // keep the test fast, but wrap the 16-bit index
    }
    expect(queue.freeDescriptors).toBe(4);
  });

  it('used-checks: a used index that jumps past the requests in flight is a DeviceError', () => {
    const { queue, device } = setup();
    queue.add(segments, 'a');
    device.complete(device.availRing(0), 1, 5);
    expect(() => queue.takeUsed()).toThrow(DeviceError);
    expect(() => queue.takeUsed()).toThrow(
      /used\.idx moved by 5, but only 1 requests were in flight/,
    );
  });

  it('used-checks: a head that is not in flight is a DeviceError', () => {
    const { queue, device } = setup();
    queue.add(segments, 'a');
    device.complete(7, 1);
    expect(() => queue.takeUsed()).toThrow(/descriptor 7, which is not in flight/);
  });

  it('used-checks: more bytes written than the writable buffers hold is a DeviceError', () => {
    const { queue, device } = setup();
    queue.add(segments, 'a');
    device.complete(device.availRing(0), 514);
    expect(() => queue.takeUsed()).toThrow(/wrote 514 bytes into a 513-byte buffer/);
  });
});
