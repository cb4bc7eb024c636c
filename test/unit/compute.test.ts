/**
 * The compute twins against references: Node's TextEncoder/TextDecoder for
 * UTF-8, published check values for CRC-32C, RFC 1071's worked example and
 * a word-by-word reference sum for the checksum. (The natives are compared
 * with these twins by a boot test.)
 */
import { describe, expect, it } from 'vitest';
import { fold } from '../../kernel/src/util/checksum';
import { internetChecksum, twins } from '../../kernel/src/util/compute';
import { xorshift32 } from '../../kernel/src/util/random';

const random = xorshift32(0x5eed);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => random() & 0xff);

describe('onesSum', () => {
  it('computes RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2', () => {
    const bytes = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(twins.onesSum(bytes, 0, 8, 0)).toBe(0xddf2);
    expect(internetChecksum(bytes, 0, 8)).toBe(~0xddf2 & 0xffff);
  });

  it('matches end-around-carry addition word by word, at odd starts and lengths', () => {
    for (let trial = 0; trial < 500; trial++) {
      const bytes = randomBytes(1 + (random() % 300));
      const start = random() % bytes.length;
      const end = start + (random() % (bytes.length - start + 1));
      const initial = random() & 0xffff;
      let sum = initial;
      for (let i = start; i < end; i += 2) {
        sum += (bytes[i]! << 8) | (i + 1 < end ? bytes[i + 1]! : 0);
        sum = (sum & 0xffff) + (sum >>> 16);
      }
      // Folding at every step and folding the exact total once agree.
      expect(twins.onesSum(bytes, start, end, initial)).toBe(fold(sum));
    }
  });

  it('gives 0 only for all-zero input, and 0xffff for a sum of 0xffff', () => {
    expect(twins.onesSum(new Uint8Array(10), 0, 10, 0)).toBe(0);
    expect(twins.onesSum(Uint8Array.of(0xff, 0xff), 0, 2, 0)).toBe(0xffff);
    expect(twins.onesSum(Uint8Array.of(0xff, 0xff, 0, 1), 0, 4, 0)).toBe(1);
    expect(twins.onesSum(new Uint8Array(0), 0, 0, 0x1234)).toBe(0x1234);
  });

  it('refuses ranges outside the array and bad initial sums', () => {
    expect(() => twins.onesSum(new Uint8Array(4), 2, 5, 0)).toThrow(RangeError);
    expect(() => twins.onesSum(new Uint8Array(4), 3, 2, 0)).toThrow(RangeError);
    expect(() => twins.onesSum(new Uint8Array(4), 0, 4, 0x10000)).toThrow(RangeError);
  });
});

describe('crc32c', () => {
  it('gives the published check value for "123456789" (0xe3069283)', () => {
    expect(twins.crc32c(new TextEncoder().encode('123456789'), 0, 9, 0)).toBe(0xe3069283);
  });

  it('gives RFC 3720 B.4 values: 32 bytes of zeros 0x8a9136aa, of 0xff 0x62a8ab43', () => {
    expect(twins.crc32c(new Uint8Array(32), 0, 32, 0)).toBe(0x8a9136aa);
    expect(twins.crc32c(new Uint8Array(32).fill(0xff), 0, 32, 0)).toBe(0x62a8ab43);
  });

  it('continues from a previous CRC', () => {
    const bytes = randomBytes(1000);
    const whole = twins.crc32c(bytes, 0, 1000, 0);
    expect(twins.crc32c(bytes, 337, 1000, twins.crc32c(bytes, 0, 337, 0))).toBe(whole);
  });
});

describe('utf8', () => {
  const samples = ['', 'hello', 'grüße', '日本語', '😀 emoji', 'a\ud800b', '\udc00', 'x\ud83d'];

  it('encodes as TextEncoder does, lone surrogates as U+FFFD', () => {
    for (const text of samples) {
      const expected = new TextEncoder().encode(text);
      expect(twins.utf8Length(text)).toBe(expected.length);
      const into = new Uint8Array(expected.length + 4);
      expect(twins.utf8Encode(text, into, 2)).toBe(expected.length);
      expect([...into.subarray(2, 2 + expected.length)]).toEqual([...expected]);
    }
  });

  it('refuses to encode past the end of the array, writing nothing', () => {
    const into = new Uint8Array(4);
    expect(() => twins.utf8Encode('héllo', into, 0)).toThrow(RangeError);
    expect([...into]).toEqual([0, 0, 0, 0]);
  });

  it('decodes as TextDecoder does, on valid text and on random and mutated bytes', () => {
    const decoder = new TextDecoder();
    for (const text of samples) {
      const bytes = new TextEncoder().encode(text);
      expect(twins.utf8Decode(bytes, 0, bytes.length)).toBe(decoder.decode(bytes));
    }
    for (let trial = 0; trial < 2000; trial++) {
      const bytes =
        trial % 2
          ? randomBytes(random() % 40)
          : new TextEncoder().encode(samples.join('') + String(trial));
      if (trial % 2 === 0) for (let k = 0; k < 3; k++) bytes[random() % bytes.length] = random();
      const start = random() % (bytes.length + 1);
      expect(twins.utf8Decode(bytes, start, bytes.length)).toBe(
        decoder.decode(bytes.subarray(start)),
      );
    }
  });

  it('decodes more than 65,535 bytes (no argument-count limit)', () => {
    const bytes = new Uint8Array(200_000).fill(0x61);
    expect(twins.utf8Decode(bytes, 0, bytes.length).length).toBe(200_000);
  });
});
