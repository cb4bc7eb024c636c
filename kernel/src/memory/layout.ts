/**
 * Typed views of memory shared with devices. A device structure (a virtio
 * descriptor, an Ethernet header) is a fixed layout of integer fields at
 * fixed offsets, each little- or big-endian. A layout declares it once:
 *
 *   const Descriptor = defineStruct('virtq_desc', 16, {
 *     addr: { offset: 0, type: 'u64' },
 *     len: { offset: 8, type: 'u32' },
 *     flags: { offset: 12, type: 'u16' },
 *     next: { offset: 14, type: 'u16' },
 *   });
 *   const d = Descriptor.at(buffer.view, 3 * Descriptor.size);
 *   d.len = 1514;            // one 32-bit little-endian store, into the DMA buffer
 *
 * Reads and writes go straight through the DataView: nothing is cached, so
 * a field a device just changed reads fresh. Writes are range-checked:
 * DataView would silently wrap 70000 into a u16; a layout refuses.
 */

export type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32';
export type Endian = 'little' | 'big';

export interface FieldSpec {
  offset: number;
  type: FieldType;
  /** Overrides the layout's byte order for this field. */
  endian?: Endian;
}

export type Fields = Record<string, FieldSpec>;
/** A live record: reading a property reads memory, assigning one writes it. */
export type StructRecord<F extends Fields> = { [K in keyof F]: number };

export interface StructLayout<F extends Fields> {
  readonly name: string;
  readonly size: number;
  readonly fields: F;
  at(view: DataView, offset?: number): StructRecord<F>;
  /** All fields at once, as a plain object (a snapshot, not live). */
  read(view: DataView, offset?: number): StructRecord<F>;
  write(view: DataView, offset: number, values: Partial<StructRecord<F>>): void;
}

/** A DataView over exactly the bytes of a Uint8Array (zero-copy). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A record is an object with these two hidden slots over the layout's prototype. */
const VIEW = Symbol('view');
const BASE = Symbol('offset');
interface Bound {
  [VIEW]: DataView;
  [BASE]: number;
}

// #region accessors
const WIDTH: Record<FieldType, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8 };
const LIMITS: Record<FieldType, [number, number]> = {
  u8: [0, 2 ** 8 - 1],
  u16: [0, 2 ** 16 - 1],
  u32: [0, 2 ** 32 - 1],
  u64: [0, Number.MAX_SAFE_INTEGER],
  i8: [-(2 ** 7), 2 ** 7 - 1],
  i16: [-(2 ** 15), 2 ** 15 - 1],
  i32: [-(2 ** 31), 2 ** 31 - 1],
};

type Getter = (view: DataView, offset: number, little: boolean) => number;
type Setter = (view: DataView, offset: number, value: number, little: boolean) => void;

const GET: Record<FieldType, Getter> = {
  u8: (v, o) => v.getUint8(o),
  i8: (v, o) => v.getInt8(o),
  u16: (v, o, le) => v.getUint16(o, le),
  i16: (v, o, le) => v.getInt16(o, le),
  u32: (v, o, le) => v.getUint32(o, le),
  i32: (v, o, le) => v.getInt32(o, le),
  u64: (v, o, le) => readU64(v, o, le),
};

const SET: Record<FieldType, Setter> = {
  u8: (v, o, x) => v.setUint8(o, x),
  i8: (v, o, x) => v.setInt8(o, x),
  u16: (v, o, x, le) => v.setUint16(o, x, le),
  i16: (v, o, x, le) => v.setInt16(o, x, le),
  u32: (v, o, x, le) => v.setUint32(o, x, le),
  i32: (v, o, x, le) => v.setInt32(o, x, le),
  u64: (v, o, x, le) => v.setBigUint64(o, BigInt(x), le),
};

/**
 * A 64-bit field as a number. Physical addresses fit easily, but a value
 * above 2^53 would silently round, so it is refused instead.
 */
export function readU64(view: DataView, offset: number, littleEndian: boolean): number {
  const value = view.getBigUint64(offset, littleEndian);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`u64 at offset ${offset} is 0x${value.toString(16)}, beyond 2^53`);
  }
  return Number(value);
}
// #endregion accessors

// #region define-struct
export function defineStruct<F extends Fields>(
  name: string,
  size: number,
  fields: F,
  options: { endian?: Endian } = {},
): StructLayout<F> {
  const byDefault = options.endian ?? 'little';
  // One prototype per layout holds a getter and a setter per field; a
  // record is then just a view and an offset, cheap to make per access.
  const proto: PropertyDescriptorMap = {};
  for (const [key, spec] of Object.entries(fields)) {
    const width = WIDTH[spec.type];
    if (!Number.isInteger(spec.offset) || spec.offset < 0 || spec.offset + width > size) {
      throw new RangeError(
        `${name}.${key}: a ${spec.type} at offset ${spec.offset} is outside ${size} bytes`,
      );
    }
    const little = (spec.endian ?? byDefault) === 'little';
    const [min, max] = LIMITS[spec.type];
    proto[key] = {
      enumerable: true,
      get(this: Bound) {
        return GET[spec.type](this[VIEW], this[BASE] + spec.offset, little);
      },
      set(this: Bound, value: number) {
        if (!Number.isInteger(value) || value < min || value > max) {
          throw new RangeError(`${name}.${key}: ${value} does not fit in ${spec.type}`);
        }
        SET[spec.type](this[VIEW], this[BASE] + spec.offset, value, little);
      },
    };
  }
  const prototype = Object.create(null, proto) as object;

  const at = (view: DataView, offset = 0): StructRecord<F> => {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > view.byteLength) {
      throw new RangeError(
        `${name} at offset ${offset} needs ${size} bytes; the view has ${view.byteLength}`,
      );
    }
    const record = Object.create(prototype) as Bound;
    record[VIEW] = view;
    record[BASE] = offset;
    return record as unknown as StructRecord<F>;
  };

  return {
    name,
    size,
    fields,
    at,
    read(view, offset = 0) {
      const live = at(view, offset);
      const snapshot = {} as StructRecord<F>;
      for (const key of Object.keys(fields) as (keyof F)[]) snapshot[key] = live[key];
      return snapshot;
    },
    write(view, offset, values) {
      const live = at(view, offset);
      for (const key of Object.keys(values)) {
        if (!(key in fields)) throw new RangeError(`${name} has no field ${key}`);
        live[key as keyof F] = values[key]!;
      }
    },
  };
}
// #endregion define-struct
