/**
 * The hosted twin's PCI and virtio device models, driven through the
 * machine's port and MMIO ABI by a deliberately tiny driver written here
 * (kernel/src/virtio is the real one, tested separately against these).
 */
import { describe, expect, it } from 'vitest';
import type { HostedMachine } from '../../kernel/hosted/machine';
import { BLK_SLOT, createVirtioPc, NET_SLOT } from '../../kernel/hosted/virtio-pc';

const ACK = 1;
const DRIVER = 2;
const DRIVER_OK = 4;
const FEATURES_OK = 8;
const NEEDS_RESET = 64;
const MEMORY = 1 << 1;
const BUS_MASTER = 1 << 2;
const INTX_DISABLE = 1 << 10;
const VERSION_1 = 1n << 32n;
const NO_VECTOR = 0xffff;
const DESC_NEXT = 1;
const DESC_WRITE = 2;

// Where this test's "kernel" places the BARs, and what the capabilities say is in them.
const MSIX_TABLE = 0xc000_0000;
const MODERN = 0xc000_4000;
const COMMON = MODERN;
const ISR = MODERN + 0x1000;
const DEVICE_CONFIG = MODERN + 0x2000;
const NOTIFY = MODERN + 0x3000;
const MSIX_CAP = 0x98;
const RINGS = 0x80_0000;
const BUFFERS = 0xa0_0000;

/** Configuration mechanism #1, the way a kernel does it. */
function configSpace(machine: HostedMachine, device: number, fn = 0) {
  const select = (offset: number) =>
    machine.outl(0xcf8, (0x8000_0000 | (device << 11) | (fn << 8) | (offset & 0xfc)) >>> 0);
  return {
    read32: (offset: number) => (select(offset), machine.inl(0xcfc)),
    read16: (offset: number) => (select(offset), machine.inw(0xcfc + (offset & 2))),
    read8: (offset: number) => (select(offset), machine.inb(0xcfc + (offset & 3))),
    write32: (offset: number, value: number) => (select(offset), machine.outl(0xcfc, value)),
    write16: (offset: number, value: number) => (
      select(offset),
      machine.outw(0xcfc + (offset & 2), value)
    ),
    write8: (offset: number, value: number) => (
      select(offset),
      machine.outb(0xcfc + (offset & 3), value)
    ),
  };
}
type ConfigSpace = ReturnType<typeof configSpace>;

/** Places BAR1 and BAR4 (as the kernel's allocator would) and turns on decoding and DMA. */
function mapBars(machine: HostedMachine, slot: number): ConfigSpace {
  const config = configSpace(machine, slot);
  config.write32(0x14, MSIX_TABLE);
  config.write32(0x20, MODERN);
  config.write32(0x24, 0);
  config.write16(0x04, MEMORY | BUS_MASTER);
  return config;
}

function setStatus(machine: HostedMachine, status: number): number {
  machine.mmioWrite8(COMMON + 0x14, status);
  return machine.mmioRead8(COMMON + 0x14);
}

/** Reset, ACKNOWLEDGE, DRIVER, offer `features`, FEATURES_OK; returns the status read back. */
function negotiate(machine: HostedMachine, features: bigint): number {
  setStatus(machine, 0);
  setStatus(machine, ACK | DRIVER);
  for (const word of [0, 1]) {
    machine.mmioWrite32(COMMON + 0x08, word);
    machine.mmioWrite32(COMMON + 0x0c, Number((features >> BigInt(32 * word)) & 0xffff_ffffn));
  }
  return setStatus(machine, ACK | DRIVER | FEATURES_OK);
}

/** MSI-X entry i delivers vector `vectors[i]`; then MSI-X is switched on. */
function routeMsix(machine: HostedMachine, config: ConfigSpace, vectors: number[]): void {
  vectors.forEach((vector, entry) => {
    const at = MSIX_TABLE + 16 * entry;
    machine.mmioWrite32(at, 0xfee0_0000);
    machine.mmioWrite32(at + 4, 0);
    machine.mmioWrite32(at + 8, vector);
    machine.mmioWrite32(at + 12, 0);
  });
  config.write16(MSIX_CAP + 2, 0x8000);
}

/** The vectors pending now, without letting virtual time pass. */
const fired = (machine: HostedMachine) => machine.wait(machine.nowNs);

interface Buffer {
  address: number;
  length: number;
  write?: boolean;
}

/** A split virtqueue, driver side, in the few lines a test needs. */
class TestRing {
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
  private nextDescriptor = 0;
  private availIdx = 0;
  private seen = 0;

  constructor(
    private readonly machine: HostedMachine,
    base: number,
    readonly size: number,
  ) {
    this.desc = base;
    this.avail = base + 16 * size;
    this.used = Math.ceil((this.avail + 6 + 2 * size) / 4) * 4;
  }

  private view(address: number, length: number): DataView {
    const bytes = this.machine.physical(address, length);
    return new DataView(bytes.buffer, bytes.byteOffset, length);
  }

  descriptor(index: number, buffer: Buffer, flags: number, next = 0): void {
    const d = this.view(this.desc + 16 * index, 16);
    d.setUint32(0, buffer.address, true);
    d.setUint32(4, 0, true);
    d.setUint32(8, buffer.length, true);
    d.setUint16(12, flags | (buffer.write ? DESC_WRITE : 0), true);
    d.setUint16(14, next, true);
  }

  /** Puts `head` in the avail ring and publishes it; `idx` overrides the published index. */
  offer(head: number, idx = this.availIdx + 1): void {
    this.view(this.avail + 4 + 2 * (this.availIdx % this.size), 2).setUint16(0, head, true);
    this.availIdx = idx & 0xffff;
    this.view(this.avail + 2, 2).setUint16(0, this.availIdx, true);
  }

  /** Chains `buffers` into fresh descriptors and offers the chain; returns its head. */
  post(...buffers: Buffer[]): number {
    const head = this.nextDescriptor;
    buffers.forEach((buffer, i) => {
      const index = (head + i) % this.size;
      const last = i === buffers.length - 1;
      this.descriptor(index, buffer, last ? 0 : DESC_NEXT, (index + 1) % this.size);
    });
    this.nextDescriptor = (head + buffers.length) % this.size;
    this.offer(head);
    return head;
  }

  set availFlags(flags: number) {
    this.view(this.avail, 2).setUint16(0, flags, true);
  }

  get usedIdx(): number {
    return this.view(this.used + 2, 2).getUint16(0, true);
  }

  usedElement(slot: number): { id: number; len: number } {
    const e = this.view(this.used + 4 + 8 * (slot % this.size), 8);
    return { id: e.getUint32(0, true), len: e.getUint32(4, true) };
  }

  /** Used elements added since the last call. */
  completions(): { id: number; len: number }[] {
    const found = [];
    for (; this.seen !== this.usedIdx; this.seen = (this.seen + 1) & 0xffff) {
      found.push(this.usedElement(this.seen));
    }
    return found;
  }

  /** Programs queue `index` with this ring and enables it. */
  install(index: number, vector = NO_VECTOR): void {
    const m = this.machine;
    m.mmioWrite16(COMMON + 0x16, index);
    m.mmioWrite16(COMMON + 0x18, this.size);
    for (const [offset, address] of [
      [0x20, this.desc],
      [0x28, this.avail],
      [0x30, this.used],
    ] as const) {
      m.mmioWrite32(COMMON + offset, address);
      m.mmioWrite32(COMMON + offset + 4, 0);
    }
    m.mmioWrite16(COMMON + 0x1a, vector);
    m.mmioWrite16(COMMON + 0x1c, 1);
  }
}

const notify = (machine: HostedMachine, queue: number) =>
  machine.mmioWrite16(NOTIFY + 4 * queue, queue);

function bytesAt(machine: HostedMachine, address: number, data: ArrayLike<number>): Buffer {
  machine.physical(address, data.length).set(data);
  return { address, length: data.length };
}

/**
 * The whole bring-up: BARs, features, one ring per queue (queue i on MSI-X
 * entry i + 1, vector 0x41 + i; config changes on entry 0, vector 0x40),
 * DRIVER_OK.
 */
function bringUp(machine: HostedMachine, slot: number, features: bigint, queues: number) {
  const config = mapBars(machine, slot);
  expect(negotiate(machine, features | VERSION_1) & FEATURES_OK).toBe(FEATURES_OK);
  const rings = Array.from({ length: queues }, (_, i) => {
    const ring = new TestRing(machine, RINGS + 0x1_0000 * i, 16);
    ring.install(i, i + 1);
    return ring;
  });
  machine.mmioWrite16(COMMON + 0x10, 0);
  routeMsix(machine, config, [0x40, 0x41, 0x42].slice(0, queues + 1));
  setStatus(machine, ACK | DRIVER | FEATURES_OK | DRIVER_OK);
  return { config, rings };
}

function netPc() {
  const pc = createVirtioPc({ net: { mac: [2, 0, 0, 0, 0, 1] } });
  return { ...pc, ...bringUp(pc.machine, NET_SLOT, 1n << 5n, 2) };
}

function blkPc(disk = new Uint8Array(64 * 512)) {
  const pc = createVirtioPc({ blk: { disk, serial: 'disk-0' } });
  return { ...pc, ...bringUp(pc.machine, BLK_SLOT, 0n, 1), disk };
}

/** A block request chain: header, then data (out or in), then the status byte. */
function blkRequest(
  machine: HostedMachine,
  ring: TestRing,
  type: number,
  sector: number,
  data: { out?: Uint8Array; inLength?: number } = {},
) {
  const header = new Uint8Array(16);
  new DataView(header.buffer).setUint32(0, type, true);
  new DataView(header.buffer).setUint32(8, sector, true);
  const chain: Buffer[] = [bytesAt(machine, BUFFERS, header)];
  if (data.out) chain.push(bytesAt(machine, BUFFERS + 0x1000, data.out));
  if (data.inLength) chain.push({ address: BUFFERS + 0x1000, length: data.inLength, write: true });
  const status = { address: BUFFERS + 0x8000, length: 1, write: true };
  machine.physical(status.address, 1)[0] = 0xff;
  ring.post(...chain, status);
  notify(machine, 0);
  return {
    status: () => machine.physical(status.address, 1)[0],
    data: (length: number) => machine.physical(BUFFERS + 0x1000, length).slice(),
  };
}

describe('PCI configuration space', () => {
  it('enumerates q35 as QEMU shows it: host bridge, virtio-net at 01.0, virtio-blk at 02.0, ICH9', () => {
    const { machine } = createVirtioPc({ net: {}, blk: {} });
    const found: string[] = [];
    for (let device = 0; device < 32; device++) {
      const multi = (configSpace(machine, device).read8(0x0e) & 0x80) !== 0;
      for (let fn = 0; fn < (multi ? 8 : 1); fn++) {
        const config = configSpace(machine, device, fn);
        const id = config.read32(0);
        if ((id & 0xffff) === 0xffff) continue;
        const hex = (v: number, n: number) => v.toString(16).padStart(n, '0');
        found.push(
          `${hex(device, 2)}.${fn} ${hex(id & 0xffff, 4)}:${hex(id >>> 16, 4)} ${hex(config.read32(8) >>> 8, 6)}`,
        );
      }
    }
    expect(found).toEqual([
      '00.0 8086:29c0 060000',
      '01.0 1af4:1041 020000',
      '02.0 1af4:1042 010000',
      '1f.0 8086:2918 060100',
      '1f.2 8086:2922 010601',
      '1f.3 8086:2930 0c0500',
    ]);
    const net = configSpace(machine, NET_SLOT);
    expect(net.read8(0x08)).toBe(1); // revision 1: a modern-only device
    expect(net.read32(0x2c)).toBe(0x1100_1af4);
    expect(net.read8(0x0e)).toBe(0); // header type 0, single function
    expect(net.read8(0x3d)).toBe(1); // INTA
    expect(net.read8(0x3c)).toBe(11); // what qboot writes
    expect(configSpace(machine, 3).read32(0)).toBe(0xffff_ffff);
  });

  it('answers 8/16/32-bit accesses on the right lanes of 0xcfc..0xcff, and nothing else', () => {
    const { machine } = createVirtioPc({ blk: {} });
    const blk = configSpace(machine, BLK_SLOT);
    expect([0, 1, 2, 3].map((i) => blk.read8(i))).toEqual([0xf4, 0x1a, 0x42, 0x10]);
    expect(blk.read16(2)).toBe(0x1042);
    expect(machine.inl(0xcf8)).toBe(0x8000_1000); // the latch reads back
    expect(machine.inw(0xcfd)).toBe(0xffff); // a word across lanes reaches nothing
    machine.outl(0xcf8, 0x0000_1000); // enable bit clear
    expect(machine.inl(0xcfc)).toBe(0xffff_ffff);
    machine.outl(0xcf8, 0x8001_0000); // bus 1 does not exist
    expect(machine.inl(0xcfc)).toBe(0xffff_ffff);

    const status = blk.read16(0x06);
    expect(status & 0x10).toBe(0x10); // capability list
    blk.write16(0x04, 0xffff);
    expect(blk.read16(0x04)).toBe(0x0547); // only the implemented command bits stick
    blk.write16(0x06, 0xffff); // write-one-to-clear: error bits only
    expect(blk.read16(0x06)).toBe(status);
    blk.write8(0x3c, 5);
    expect(blk.read8(0x3c)).toBe(5);
    blk.write32(0x00, 0); // IDs are read-only
    expect(blk.read32(0)).toBe(0x1042_1af4);
  });

  it('sizes BARs: all ones read back the size mask, a 64-bit BAR spans two slots', () => {
    const { machine } = createVirtioPc({ net: {} });
    const net = configSpace(machine, NET_SLOT);
    const size = (offset: number) => {
      const original = net.read32(offset);
      net.write32(offset, 0xffff_ffff);
      const mask = net.read32(offset);
      net.write32(offset, original);
      return mask;
    };
    expect([0x10, 0x14, 0x18, 0x1c, 0x20, 0x24].map(size)).toEqual([
      0, 0xffff_f000, 0, 0, 0xffff_c00c, 0xffff_ffff,
    ]);
    expect(net.read32(0x20)).toBe(0x0c); // restored: 64-bit, prefetchable, at 0
    const ahci = configSpace(machine, 0x1f, 2);
    ahci.write32(0x20, 0xffff_ffff);
    expect(ahci.read32(0x20)).toBe(0xffff_ffe1); // 32 bytes of I/O
  });

  it('maps a BAR where it is programmed, only while memory decoding is on, and moves it', () => {
    const { machine, net } = createVirtioPc({ net: {} });
    const config = configSpace(machine, NET_SLOT);
    config.write32(0x20, MODERN);
    const numQueues = (base: number) => machine.mmioRead16(base + 0x12);
    expect(() => numQueues(MODERN)).toThrow(/beyond simulated RAM/); // decoding off
    config.write16(0x04, MEMORY);
    expect(numQueues(MODERN)).toBe(2);
    expect(net.mappedAddress(4)).toBe(MODERN);
    config.write32(0x20, 0xd000_0000);
    expect(() => numQueues(MODERN)).toThrow(/beyond simulated RAM/);
    expect(numQueues(0xd000_0000)).toBe(2);
    config.write16(0x04, 0);
    expect(net.mappedAddress(4)).toBeUndefined();
  });

  it('lists the capabilities as QEMU does, the virtio structures in BAR4', () => {
    const { machine } = createVirtioPc({ net: {} });
    const net = configSpace(machine, NET_SLOT);
    const caps: number[][] = [];
    for (let at = net.read8(0x34); at !== 0; at = net.read8(at + 1)) {
      caps.push(
        net.read8(at) === 9
          ? [at, 9, net.read8(at + 3), net.read8(at + 4), net.read32(at + 8), net.read32(at + 12)]
          : [at, net.read8(at)],
      );
    }
    expect(caps).toEqual([
      [0x98, 0x11],
      [0x84, 9, 5, 0, 0, 0],
      [0x70, 9, 2, 4, 0x3000, 0x1000],
      [0x60, 9, 4, 4, 0x2000, 0x1000],
      [0x50, 9, 3, 4, 0x1000, 0x1000],
      [0x40, 9, 1, 4, 0x0000, 0x1000],
    ]);
    expect(net.read8(0x72)).toBe(20); // cap_len of notify
    expect(net.read32(0x70 + 16)).toBe(4); // notify_off_multiplier
    expect(net.read16(MSIX_CAP + 2)).toBe(2); // table size 3, disabled, unmasked
    expect(net.read32(MSIX_CAP + 4)).toBe(0x0000_0001); // table: BAR1 at 0
    expect(net.read32(MSIX_CAP + 8)).toBe(0x0000_0801); // PBA: BAR1 at 0x800
  });

  it('reaches BAR registers through the pci-cfg window', () => {
    const { machine, net } = createVirtioPc({ net: {} });
    const config = configSpace(machine, NET_SLOT);
    const window = 0x84;
    config.write8(window + 4, 4);
    config.write32(window + 8, 0x12); // num_queues
    config.write32(window + 12, 2);
    expect(config.read16(window + 16)).toBe(2);
    config.write32(window + 8, 0x14); // device_status
    config.write32(window + 12, 1);
    config.write8(window + 16, ACK);
    expect(net.status).toBe(ACK);
  });
});

describe('interrupts: MSI-X and INTx', () => {
  it('sends a config change as the MSI-X message in the msix_config entry', () => {
    const { machine, net } = netPc();
    net.setLink(false);
    expect(fired(machine)).toEqual([0x40]);
    expect(net.msix.delivered).toBe(1);
  });

  it('holds a masked message in the PBA and sends it on unmask; the function mask too', () => {
    const { machine, net, config } = netPc();
    machine.mmioWrite32(MSIX_TABLE + 12, 1); // mask entry 0
    net.setLink(false);
    expect(fired(machine)).toEqual([]);
    expect(machine.mmioRead32(MSIX_TABLE + 0x800)).toBe(1);
    machine.mmioWrite32(MSIX_TABLE + 12, 0);
    expect(fired(machine)).toEqual([0x40]);
    expect(machine.mmioRead32(MSIX_TABLE + 0x800)).toBe(0);

    config.write16(MSIX_CAP + 2, 0xc000); // enabled, function masked
    net.setLink(true);
    expect(fired(machine)).toEqual([]);
    config.write16(MSIX_CAP + 2, 0x8000);
    expect(fired(machine)).toEqual([0x40]);
  });

  it('refuses a vector beyond the MSI-X table: it reads back NO_VECTOR', () => {
    const { machine } = netPc();
    machine.mmioWrite16(COMMON + 0x10, 3); // the table has entries 0..2
    expect(machine.mmioRead16(COMMON + 0x10)).toBe(NO_VECTOR);
    machine.mmioWrite16(COMMON + 0x16, 1);
    machine.mmioWrite16(COMMON + 0x1a, 2);
    expect(machine.mmioRead16(COMMON + 0x1a)).toBe(2);
  });

  it('falls back to INTx with MSI-X off: the ISR says why, q35 pin 21, INTx disable honoured', () => {
    const { machine, net, config } = netPc();
    config.write16(MSIX_CAP + 2, 0); // MSI-X off
    machine.mmioWrite32(0xfec0_0000, 0x10 + 2 * 21); // IOAPIC redirection entry 21
    machine.mmioWrite32(0xfec0_0010, 0x50);
    net.setLink(false);
    expect(fired(machine)).toEqual([0x50]);
    expect(config.read16(0x06) & 0x08).toBe(0x08); // interrupt status
    expect(machine.mmioRead8(ISR)).toBe(2); // a config change
    expect(machine.mmioRead8(ISR)).toBe(0); // reading cleared it
    expect(config.read16(0x06) & 0x08).toBe(0);

    config.write16(0x04, MEMORY | BUS_MASTER | INTX_DISABLE);
    net.setLink(true);
    expect(fired(machine)).toEqual([]);
    config.write16(0x04, MEMORY | BUS_MASTER); // the pending level now reaches the pin
    expect(fired(machine)).toEqual([0x50]);
    expect(net.intxAsserts).toBe(2);
  });
});

describe('virtio common configuration', () => {
  it('offers MAC, STATUS and VERSION_1, and keeps FEATURES_OK only for an acceptable set', () => {
    const pc = createVirtioPc({ net: {} });
    const { machine } = pc;
    mapBars(machine, NET_SLOT);
    const deviceWord = (word: number) => {
      machine.mmioWrite32(COMMON, word);
      return machine.mmioRead32(COMMON + 0x04);
    };
    expect([0, 1, 2].map(deviceWord)).toEqual([(1 << 5) | (1 << 16), 1, 0]);
    const { net } = pc;
    expect(negotiate(machine, VERSION_1 | (1n << 5n))).toBe(ACK | DRIVER | FEATURES_OK);
    expect(net.features).toBe(VERSION_1 | (1n << 5n));
    machine.mmioWrite32(COMMON + 0x08, 0);
    machine.mmioWrite32(COMMON + 0x0c, 1 << 7); // too late: features are fixed now
    expect(machine.mmioRead32(COMMON + 0x0c)).toBe(1 << 5);

    expect(negotiate(machine, VERSION_1 | (1n << 7n))).toBe(ACK | DRIVER); // not offered
    expect(negotiate(machine, 1n << 5n)).toBe(ACK | DRIVER); // no VERSION_1
    expect(net.features).toBe(0n);
    expect(setStatus(machine, 0)).toBe(0);
    expect(machine.mmioRead32(COMMON + 0x0c)).toBe(0); // reset forgot them
  });

  it('refuses accesses of the wrong width, naming the register', () => {
    const { machine } = netPc();
    expect(() => machine.mmioRead32(COMMON + 0x14)).toThrow(/device_status.*32-bit.*8-bit/);
    expect(() => machine.mmioWrite32(NOTIFY + 4, 1)).toThrow(/notify for queue 1/);
    expect(() => machine.mmioWrite16(NOTIFY + 4, 0)).toThrow(/carries queue index 0/);
    expect(() => machine.mmioRead32(DEVICE_CONFIG)).toThrow(/mac/);
    expect(() => machine.mmioRead16(ISR)).toThrow(/ISR/);
    expect(() => machine.mmioRead16(MSIX_TABLE)).toThrow(/MSI-X/);
    expect(() => machine.mmioRead16(COMMON + 0x22)).toThrow(/queue_desc/);
  });

  it('keeps queue registers sane: power-of-two sizes up to the maximum, frozen once enabled', () => {
    const { machine, net } = createVirtioPc({ net: {} });
    mapBars(machine, NET_SLOT);
    negotiate(machine, VERSION_1);
    const size = (value: number) => {
      machine.mmioWrite16(COMMON + 0x18, value);
      return machine.mmioRead16(COMMON + 0x18);
    };
    machine.mmioWrite16(COMMON + 0x16, 1);
    expect(machine.mmioRead16(COMMON + 0x1e)).toBe(1); // notify_off = index
    expect([size(512), size(100), size(64)]).toEqual([256, 256, 64]);
    new TestRing(machine, RINGS, 64).install(1);
    expect(machine.mmioRead32(COMMON + 0x28)).toBe(RINGS + 64 * 16);
    expect(size(32)).toBe(64);
    expect(net.ring(1)?.layout).toEqual({
      size: 64,
      desc: RINGS,
      driver: RINGS + 1024,
      device: RINGS + 1024 + 136, // 6 + 2 * 64 bytes of avail ring, rounded up to 4
    });
    machine.mmioWrite16(COMMON + 0x16, 2); // no such queue
    expect(size(16)).toBe(0);
    setStatus(machine, 0);
    machine.mmioWrite16(COMMON + 0x16, 1);
    expect([machine.mmioRead16(COMMON + 0x1c), size(256)]).toEqual([0, 256]);
    expect(net.ring(1)).toBeUndefined();
  });
});

describe('virtio-blk', () => {
  it('writes and reads sectors, flushes and answers GET_ID, status byte last', () => {
    const { machine, blk, rings, disk } = blkPc();
    const [ring] = rings as [TestRing];
    expect(machine.mmioRead32(DEVICE_CONFIG)).toBe(64); // capacity in sectors
    expect(machine.mmioRead32(DEVICE_CONFIG + 4)).toBe(0);

    const data = Uint8Array.from({ length: 1024 }, (_, i) => i * 7);
    expect(blkRequest(machine, ring, 1, 3, { out: data }).status()).toBe(0);
    expect(disk.subarray(3 * 512, 5 * 512)).toEqual(data);
    expect(fired(machine)).toEqual([0x41]);

    const read = blkRequest(machine, ring, 0, 3, { inLength: 1024 });
    expect(read.status()).toBe(0);
    expect(read.data(1024)).toEqual(data);
    expect(blkRequest(machine, ring, 4, 0).status()).toBe(0);
    const id = blkRequest(machine, ring, 8, 0, { inLength: 20 });
    expect(new TextDecoder().decode(id.data(20))).toBe('disk-0'.padEnd(20, '\0'));
    expect(ring.completions().map((c) => c.len)).toEqual([1, 1025, 1, 21]);
    expect(blk.flushes).toBe(1);
  });

  it('answers IOERR past the end or for part of a sector, UNSUPP for an unknown type', () => {
    const { machine, blk, rings } = blkPc();
    const [ring] = rings as [TestRing];
    expect(blkRequest(machine, ring, 0, 63, { inLength: 1024 }).status()).toBe(1);
    expect(blkRequest(machine, ring, 1, 0, { out: new Uint8Array(100) }).status()).toBe(1);
    expect(blkRequest(machine, ring, 11, 0).status()).toBe(2);
    expect(blk.requests.map((r) => [r.type, r.status])).toEqual([
      [0, 1],
      [1, 1],
      [11, 2],
    ]);
  });
});

describe('virtio-net', () => {
  it('transmits: the 12-byte header stripped and kept apart, completed with length 0', () => {
    const { machine, net, rings } = netPc();
    const header = Uint8Array.from({ length: 12 }, (_, i) => i);
    const frame = Uint8Array.from({ length: 60 }, (_, i) => 0xa0 + i);
    const seen: number[] = [];
    net.onTransmit = (f) => seen.push(f.length);
    rings[1]!.post(bytesAt(machine, BUFFERS, header), bytesAt(machine, BUFFERS + 0x100, frame));
    notify(machine, 1);
    expect(net.transmitted).toEqual([frame]);
    expect(net.transmittedHeaders).toEqual([header]);
    expect(seen).toEqual([60]);
    expect(rings[1]!.completions()).toEqual([{ id: 0, len: 0 }]);
    expect(fired(machine)).toEqual([0x42]);
  });

  it('receives: a frame waits for a buffer, then follows a zero header with num_buffers 1', () => {
    const { machine, net, rings } = netPc();
    const rx = rings[0]!;
    const frame = Uint8Array.from({ length: 64 }, (_, i) => i ^ 0x5a);
    net.deliver(frame);
    expect(net.backlog).toHaveLength(1);
    rx.post({ address: BUFFERS, length: 1526, write: true });
    notify(machine, 0);
    expect(net.backlog).toHaveLength(0);
    expect(rx.completions()).toEqual([{ id: 0, len: 76 }]);
    const expected = new Uint8Array(76);
    expected[10] = 1;
    expected.set(frame, 12);
    expect(machine.physical(BUFFERS, 76)).toEqual(expected);
    expect(fired(machine)).toEqual([0x41]);
  });

  it('drops a frame too big for the buffer and keeps the buffer; NO_INTERRUPT keeps it quiet', () => {
    const { machine, net, rings } = netPc();
    const rx = rings[0]!;
    rx.post({ address: BUFFERS, length: 100, write: true });
    notify(machine, 0);
    net.deliver(new Uint8Array(200));
    expect([net.dropped, rx.usedIdx]).toEqual([1, 0]);
    rx.availFlags = 1; // VIRTQ_AVAIL_F_NO_INTERRUPT
    net.deliver(new Uint8Array(50));
    expect(rx.completions()).toEqual([{ id: 0, len: 62 }]);
    expect(fired(machine)).toEqual([]);
  });

  it('has the MAC and link status in config; a link change bumps config_generation', () => {
    const { machine, net } = netPc();
    const mac = [0, 1, 2, 3, 4, 5].map((i) => machine.mmioRead8(DEVICE_CONFIG + i));
    expect(mac).toEqual([2, 0, 0, 0, 0, 1]);
    expect(machine.mmioRead16(DEVICE_CONFIG + 6)).toBe(1);
    const generation = machine.mmioRead8(COMMON + 0x15);
    net.setLink(false);
    expect(machine.mmioRead16(DEVICE_CONFIG + 6)).toBe(0);
    expect(machine.mmioRead8(COMMON + 0x15)).toBe(generation + 1);
  });
});

describe('driver errors break the device, as on hardware', () => {
  const cases: [string, (ring: TestRing) => void, RegExp][] = [
    [
      'a chain that loops',
      (ring) => {
        ring.descriptor(0, { address: BUFFERS, length: 16 }, DESC_NEXT, 0);
        ring.offer(0);
      },
      /chain from 0 is longer than the queue/,
    ],
    ['a head beyond the queue', (ring) => ring.offer(16), /names descriptor 16 of 16/],
    [
      'a chain to a descriptor beyond the queue',
      (ring) => {
        ring.descriptor(0, { address: BUFFERS, length: 16 }, DESC_NEXT, 99);
        ring.offer(0);
      },
      /chains to 99/,
    ],
    [
      'an avail idx running ahead of the ring',
      (ring) => ring.offer(0, 17),
      /avail idx moved from 0 to 17/,
    ],
    [
      'a buffer outside RAM',
      (ring) => {
        ring.descriptor(0, { address: 0xf000_0000, length: 16 }, 0);
        ring.offer(0);
      },
      /outside RAM/,
    ],
  ];

  it.each(cases)(
    '%s: DEVICE_NEEDS_RESET, a config interrupt, nothing more until reset',
    (_, make, why) => {
      const { machine, blk, rings } = blkPc();
      make(rings[0]!);
      notify(machine, 0);
      expect(blk.status & NEEDS_RESET).toBe(NEEDS_RESET);
      expect(blk.error).toMatch(why);
      expect(fired(machine)).toEqual([0x40]);
      notify(machine, 0);
      expect(blk.ignoredNotifications).toBe(1);
      expect(setStatus(machine, 0)).toBe(0);
      expect(blk.error).toBeUndefined();
    },
  );

  it('breaks at once when a ring is enabled at a misaligned address', () => {
    const { machine, blk } = createVirtioPc({ blk: {} });
    mapBars(machine, BLK_SLOT);
    negotiate(machine, VERSION_1);
    new TestRing(machine, RINGS + 8, 16).install(0);
    expect(blk.status & NEEDS_RESET).toBe(NEEDS_RESET);
    expect(blk.error).toMatch(/descriptor table at 0x800008 is not 16-byte aligned/);
  });

  it('does no DMA without bus mastering; with latencyNs it works while the CPU waits', () => {
    const { machine, blk, rings, config } = blkPc();
    config.write16(0x04, MEMORY);
    const request = blkRequest(machine, rings[0]!, 4, 0);
    expect([request.status(), blk.ignoredNotifications]).toEqual([0xff, 1]);
    config.write16(0x04, MEMORY | BUS_MASTER);
    blk.latencyNs = 5000;
    notify(machine, 0);
    expect(request.status()).toBe(0xff);
    expect(machine.wait(machine.nowNs + 10_000)).toEqual([0x41]);
    expect(request.status()).toBe(0);
  });
});

describe('fault knobs', () => {
  it('usedIndexJump: used idx runs ahead of what was consumed', () => {
    const { machine, blk, rings } = blkPc();
    blk.faults = { usedIndexJump: 3 };
    blkRequest(machine, rings[0]!, 4, 0);
    expect(rings[0]!.usedIdx).toBe(4);
  });

  it('oversizedLength: the used length is one more than the writable buffer', () => {
    const { net, rings } = netPc();
    net.faults = { oversizedLength: true };
    rings[0]!.post({ address: BUFFERS, length: 1526, write: true });
    net.deliver(new Uint8Array(60));
    expect(rings[0]!.completions()).toEqual([{ id: 0, len: 1527 }]);
  });

  it('unknownId: the used id is no head the driver posted (the queue size, or a chosen id)', () => {
    const { machine, blk, rings } = blkPc();
    blk.faults = { unknownId: true };
    blkRequest(machine, rings[0]!, 4, 0);
    blk.faults = { unknownId: 5 };
    blkRequest(machine, rings[0]!, 4, 0);
    expect(rings[0]!.completions().map((c) => c.id)).toEqual([16, 5]);
  });

  it('stall, for one queue only: the device takes nothing from it until cleared', () => {
    const { machine, net, rings } = netPc();
    net.faults = { stall: true, queue: 1 };
    rings[0]!.post({ address: BUFFERS, length: 1526, write: true });
    net.deliver(new Uint8Array(60));
    rings[1]!.post(bytesAt(machine, BUFFERS + 0x1000, new Uint8Array(72)));
    notify(machine, 1);
    expect([rings[0]!.usedIdx, rings[1]!.usedIdx, net.ignoredNotifications]).toEqual([1, 0, 1]);
    net.faults = {};
    notify(machine, 1);
    expect(net.transmitted).toHaveLength(1);
  });
});
