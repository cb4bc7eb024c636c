/**
 * The chapter 4 drivers, unchanged, against the hosted twin's device
 * models: the same PCI discovery, BAR placement, MSI-X routing, status
 * handshake and virtqueues that run on QEMU, at Node speed, plus devices
 * that misbehave on purpose.
 */
import { describe, expect, it } from 'vitest';
import { startEvents } from '../../kernel/src/events/setup';
import { startMemory } from '../../kernel/src/memory/setup';
import { BarAllocator } from '../../kernel/src/pci/bars';
import { PciConfig } from '../../kernel/src/pci/config';
import { enumerate } from '../../kernel/src/pci/device';
import { BlockError, SECTOR_SIZE, VirtioBlk } from '../../kernel/src/virtio/blk';
import { VirtioFunction, type VirtioContext } from '../../kernel/src/virtio/device';
import { VirtioNet } from '../../kernel/src/virtio/net';
import { virtioDeviceId, VirtioError } from '../../kernel/src/virtio/pci-transport';
import { DeviceError } from '../../kernel/src/virtio/virtqueue';
import { createVirtioPc, type VirtioPc, type VirtioPcOptions } from '../../kernel/hosted/virtio-pc';

/** Boots the drivers on a hosted PC and runs `body` as the kernel's main task. */
async function withDrivers(
  options: VirtioPcOptions,
  body: (drivers: { blk?: VirtioBlk; net?: VirtioNet; pc: VirtioPc }) => Promise<void>,
) {
  const pc = createVirtioPc({ memoryBytes: 32 << 20, ...options }) as VirtioPc;
  const events = startEvents(pc.machine);
  const memory = startMemory(pc.machine);
  const context: VirtioContext = {
    hw: pc.machine,
    events,
    bars: new BarAllocator(),
    allocDma: memory.allocDma,
  };
  const functions = enumerate(new PciConfig(pc.machine));
  const open = (id: number) => {
    const pci = functions.find((f) => virtioDeviceId(f) === id);
    return pci ? new VirtioFunction(pci, context) : undefined;
  };
  const blkFunction = open(2);
  const netFunction = open(1);
  const drivers = {
    pc,
    ...(blkFunction ? { blk: new VirtioBlk(blkFunction, context) } : {}),
    ...(netFunction ? { net: new VirtioNet(netFunction, context) } : {}),
  };
  let failure: unknown;
  void body(drivers).then(
    () => pc.machine.exit(0),
    (error: unknown) => {
      failure = error;
      pc.machine.exit(1);
    },
  );
  await pc.machine.run();
  if (failure) throw failure;
  return { pc, memory };
}

describe('virtio-blk driver on the hosted device model', () => {
  it('reads what is on the disk, writes, flushes and reads back, and names the disk', async () => {
    const disk = new Uint8Array(64 * 1024);
    disk.set(new TextEncoder().encode('sector zero'), 0);
    disk[5 * SECTOR_SIZE] = 0x55;
    const { pc } = await withDrivers({ blk: { disk, serial: 'hosted-disk' } }, async ({ blk }) => {
      expect(blk!.sectors).toBe(128);
      expect(await blk!.id()).toBe('hosted-disk');
      const first = await blk!.read(0);
      expect(new TextDecoder().decode(first.subarray(0, 11))).toBe('sector zero');
      const two = await blk!.read(4, 2);
      expect(two.length).toBe(1024);
      expect(two[SECTOR_SIZE]).toBe(0x55);
      const data = new Uint8Array(2 * SECTOR_SIZE).fill(0xab);
      await blk!.write(10, data);
      await blk!.flush();
      expect([...(await blk!.read(11))].every((b) => b === 0xab)).toBe(true);
    });
    expect(pc.blk!.disk[10 * SECTOR_SIZE]).toBe(0xab);
    expect(pc.blk!.flushes).toBe(1);
  });

  it('runs many requests at once, more than the ring holds, and completes them all', async () => {
    await withDrivers(
      { blk: { disk: new Uint8Array(256 * 1024), queueSize: 8 } },
      async ({ blk }) => {
        const writes = Array.from({ length: 40 }, (_, i) =>
          blk!.write(i, new Uint8Array(SECTOR_SIZE).fill(i)),
        );
        await Promise.all(writes);
        const reads = await Promise.all(Array.from({ length: 40 }, (_, i) => blk!.read(i)));
        expect(reads.map((r) => r[0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
      },
    );
  });

  it('refuses out-of-range and partial-sector requests before they reach the device', async () => {
    await withDrivers({ blk: { disk: new Uint8Array(4096) } }, async ({ blk }) => {
      await expect(blk!.read(8)).rejects.toThrow(/beyond the disk's 8/);
      await expect(blk!.write(0, new Uint8Array(100))).rejects.toThrow(/whole number of sectors/);
      await expect(blk!.read(-1)).rejects.toThrow(RangeError);
    });
  });

  it('turns a device error status into a BlockError', async () => {
    await withDrivers({ blk: { disk: new Uint8Array(4096) } }, async ({ blk }) => {
      // The public API cannot ask for anything the device refuses (it checks
      // ranges first), so send a request type the device does not know.
      const raw = blk as unknown as {
        request(type: number, sector: number, data: number): Promise<unknown>;
      };
      await expect(raw.request(99, 0, 0)).rejects.toThrow(BlockError);
      await expect(raw.request(99, 0, 0)).rejects.toThrow(
        /request type 99 at sector 0 failed: UNSUPP/,
      );
      expect(await blk!.read(0)).toHaveLength(SECTOR_SIZE); // and the driver carries on
    });
  });

  for (const [fault, message] of [
    [{ oversizedLength: true }, /device wrote \d+ bytes into a \d+-byte buffer/],
    [{ usedIndexJump: 3 }, /used\.idx moved by \d+, but only \d+ requests were in flight/],
    [{ unknownId: true }, /used ring names descriptor \d+, which is not in flight/],
  ] as const) {
    it(`gives a clear DeviceError, not a hang or a crash, for ${Object.keys(fault)[0]}`, async () => {
      await withDrivers({ blk: { disk: new Uint8Array(4096) } }, async ({ blk, pc }) => {
        await blk!.read(0); // a healthy device first
        pc.blk!.faults = { ...fault };
        await expect(blk!.read(1)).rejects.toThrow(DeviceError);
        // A device that broke the protocol is not trusted again.
        await expect(blk!.read(2)).rejects.toThrow(message);
      });
    });
  }
});

describe('virtio-net driver on the hosted device model', () => {
  it('transmits frames with a zeroed virtio header and receives frames in order', async () => {
    const frame = (n: number) => Uint8Array.from({ length: 60 }, (_, i) => (i < 12 ? 0xff : n));
    const { pc } = await withDrivers(
      { net: { mac: Uint8Array.of(0x02, 0, 0, 0xaa, 0xbb, 0xcc) } },
      async ({ net, pc }) => {
        expect([...net!.mac]).toEqual([0x02, 0, 0, 0xaa, 0xbb, 0xcc]);
        expect(net!.linkUp).toBe(true);
        await net!.transmit(frame(1));
        await net!.transmit(frame(2));
        pc.net!.deliver(frame(7));
        pc.net!.deliver(frame(8));
        expect((await net!.receive())[20]).toBe(7);
        expect((await net!.receive())[20]).toBe(8);
        expect(net!.stats).toMatchObject({ received: 2, sent: 2 });
      },
    );
    expect(pc.net!.transmitted.map((f) => f[20])).toEqual([1, 2]);
    expect(pc.net!.transmittedHeaders.every((h) => h.every((b) => b === 0))).toBe(true);
  });

  it('refuses frames that are too short or too long to be Ethernet', async () => {
    await withDrivers({ net: {} }, async ({ net }) => {
      await expect(net!.transmit(new Uint8Array(10))).rejects.toThrow(/not 14\.\./);
      await expect(net!.transmit(new Uint8Array(4000))).rejects.toThrow(RangeError);
    });
  });

  it('fails receive() with a DeviceError when the device reports an oversized frame', async () => {
    await withDrivers({ net: {} }, async ({ net, pc }) => {
      pc.net!.faults = { oversizedLength: true, queue: 0 };
      pc.net!.deliver(new Uint8Array(60));
      await expect(net!.receive()).rejects.toThrow(
        /device wrote \d+ bytes into a 2048-byte buffer/,
      );
    });
  });
});

describe('virtio transport', () => {
  it('leaves the device DRIVER_OK with the negotiated features, interrupting by MSI-X', async () => {
    const { pc } = await withDrivers({ blk: { disk: new Uint8Array(4096) } }, async ({ blk }) => {
      await blk!.read(0);
    });
    // ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK
    expect(pc.blk!.status).toBe(0x0f);
    expect(pc.blk!.features).toBe((1n << 32n) | (1n << 9n));
    expect(pc.blk!.msix.enabled).toBe(true);
    expect(pc.blk!.msix.delivered).toBeGreaterThan(0);
    expect(pc.blk!.msix.stray).toBe(0);
  });

  it('places every BAR in the PCI window, naturally aligned', async () => {
    const { pc } = await withDrivers(
      { blk: { disk: new Uint8Array(4096) }, net: {} },
      async () => {},
    );
    for (const device of [pc.blk!, pc.net!]) {
      for (const [index, size] of [
        [1, 0x1000],
        [4, 0x4000],
      ] as const) {
        const address = device.barAddress(index);
        expect(address).toBeGreaterThanOrEqual(0xc000_0000);
        expect(address % size).toBe(0);
        expect(device.mappedAddress(index)).toBe(address);
      }
    }
    expect(new VirtioError('x').name).toBe('VirtioError');
  });
});
