/** Struct layouts over DataViews: the tool later drivers use for device structures. */
import { describe, expect, it } from 'vitest';
import { defineStruct, readU64, viewOf } from '../../kernel/src/memory/layout';

const Descriptor = defineStruct('virtq_desc', 16, {
  addr: { offset: 0, type: 'u64' },
  len: { offset: 8, type: 'u32' },
  flags: { offset: 12, type: 'u16' },
  next: { offset: 14, type: 'u16' },
});

/** An IPv4 header's first 8 bytes: network byte order, with one signed field for the test. */
const Ipv4Start = defineStruct(
  'ipv4',
  8,
  {
    versionIhl: { offset: 0, type: 'u8' },
    totalLength: { offset: 2, type: 'u16' },
    id: { offset: 4, type: 'u16' },
    hostOrder: { offset: 6, type: 'i16', endian: 'little' },
  },
  { endian: 'big' },
);

describe('defineStruct', () => {
  it('writes each field little-endian at its offset, and reads it back', () => {
    const bytes = new Uint8Array(32);
    const d = Descriptor.at(viewOf(bytes), 16);
    d.addr = 0x1_2345_6000;
    d.len = 1514;
    d.flags = 1;
    d.next = 7;
    expect([...bytes.subarray(16, 32)]).toEqual([
      0x00, 0x60, 0x45, 0x23, 0x01, 0, 0, 0, 0xea, 0x05, 0, 0, 1, 0, 7, 0,
    ]);
    expect(
      bytes.subarray(0, 16).every((b) => b === 0),
      'the record before is untouched',
    ).toBe(true);
    expect(Descriptor.read(viewOf(bytes), 16)).toEqual({
      addr: 0x1_2345_6000,
      len: 1514,
      flags: 1,
      next: 7,
    });
  });

  it('uses the layout byte order, unless a field says otherwise', () => {
    const bytes = new Uint8Array(8);
    Ipv4Start.write(viewOf(bytes), 0, {
      versionIhl: 0x45,
      totalLength: 84,
      id: 0x1c46,
      hostOrder: -2,
    });
    expect([...bytes]).toEqual([0x45, 0, 0, 84, 0x1c, 0x46, 0xfe, 0xff]);
    expect(Ipv4Start.at(viewOf(bytes)).hostOrder).toBe(-2);
  });

  it('reads live: a change to the memory shows at the next read', () => {
    const bytes = new Uint8Array(16);
    const d = Descriptor.at(viewOf(bytes));
    const snapshot = Descriptor.read(viewOf(bytes));
    bytes[14] = 3; // the device wrote `next`
    expect(d.next).toBe(3);
    expect(snapshot.next, 'read() is a snapshot').toBe(0);
  });

  it('refuses values that do not fit, instead of wrapping them', () => {
    const d = Descriptor.at(viewOf(new Uint8Array(16)));
    expect(() => (d.flags = 70_000)).toThrow('virtq_desc.flags: 70000 does not fit in u16');
    expect(() => (d.len = -1)).toThrow(RangeError);
    expect(() => (d.addr = 2 ** 53)).toThrow(RangeError);
    expect(() => (d.len = 1.5)).toThrow(RangeError);
    expect(() => Descriptor.write(viewOf(new Uint8Array(16)), 0, { size: 1 } as never)).toThrow(
      'virtq_desc has no field size',
    );
  });

  it('refuses records past the end of the view, and fields past the end of the struct', () => {
    const view = viewOf(new Uint8Array(40));
    expect(() => Descriptor.at(view, 32)).toThrow(
      'virtq_desc at offset 32 needs 16 bytes; the view has 40',
    );
    expect(() => defineStruct('bad', 4, { wide: { offset: 2, type: 'u32' } })).toThrow(
      'bad.wide: a u32 at offset 2 is outside 4 bytes',
    );
  });

  it('refuses a u64 a JavaScript number cannot hold exactly', () => {
    const view = viewOf(new Uint8Array(8));
    view.setBigUint64(0, 1n << 60n, true);
    expect(() => readU64(view, 0, true)).toThrow(/beyond 2\^53/);
    expect(() => Descriptor.at(viewOf(new Uint8Array(16).fill(0xff))).addr).toThrow(RangeError);
  });
});
