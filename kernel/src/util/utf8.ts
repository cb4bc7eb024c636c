/**
 * UTF-8 in TypeScript, without TextEncoder and TextDecoder (QuickJS has
 * neither): the twins of the `utf8Length`, `utf8Encode` and `utf8Decode`
 * natives (see abi/compute.d.ts for the contract). Kernel code calls them
 * through util/compute.ts, which picks the native where there is one.
 */
import { checkSpan } from './span';

const REPLACEMENT = 0xfffd;

export function utf8LengthTwin(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      length += 4;
      i++;
    } else length += 3; // the BMP, and lone surrogates as U+FFFD
  }
  return length;
}

// #region encode
export function utf8EncodeTwin(text: string, into: Uint8Array, at: number): number {
  const length = utf8LengthTwin(text);
  checkSpan(into, at, at + length, 'utf8Encode');
  let out = at;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && isLowSurrogate(next)) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else code = REPLACEMENT;
    }
    if (code < 0x80) into[out++] = code;
    else if (code < 0x800) {
      into[out++] = 0xc0 | (code >> 6);
      into[out++] = 0x80 | (code & 63);
    } else if (code < 0x10000) {
      into[out++] = 0xe0 | (code >> 12);
      into[out++] = 0x80 | ((code >> 6) & 63);
      into[out++] = 0x80 | (code & 63);
    } else {
      into[out++] = 0xf0 | (code >> 18);
      into[out++] = 0x80 | ((code >> 12) & 63);
      into[out++] = 0x80 | ((code >> 6) & 63);
      into[out++] = 0x80 | (code & 63);
    }
  }
  return length;
}
// #endregion encode

// #region decode
/**
 * The WHATWG UTF-8 decoder: it tracks how many continuation bytes the
 * current sequence still needs and the range the next one may take (which
 * rules out overlong forms, surrogates and code points above U+10FFFF). A
 * byte that breaks a sequence ends it with one U+FFFD and is looked at
 * again as the start of the next.
 */
export function utf8DecodeTwin(bytes: Uint8Array, start: number, end: number): string {
  checkSpan(bytes, start, end, 'utf8Decode');
  const units = new StringBuilder();
  let code = 0;
  let needed = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (needed === 0) {
      if (byte < 0x80) units.push(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        code = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        code = byte & 0xf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        code = byte & 0x7;
      } else units.push(REPLACEMENT);
      continue;
    }
    if (byte < lower || byte > upper) {
      code = needed = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(REPLACEMENT);
      i--; // this byte starts afresh
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    code = (code << 6) | (byte & 0x3f);
    if (--needed === 0) units.pushCodePoint(code);
  }
  if (needed > 0) units.push(REPLACEMENT);
  return units.finish();
}
// #endregion decode

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Collects UTF-16 code units and turns them into a string a chunk at a
 * time: String.fromCharCode(...all) would pass every unit as an argument,
 * which engines refuse past some tens of thousands.
 */
class StringBuilder {
  private readonly chunk = new Uint16Array(4096);
  private used = 0;
  private text = '';

  push(unit: number): void {
    if (this.used === this.chunk.length) this.flush();
    this.chunk[this.used++] = unit;
  }

  pushCodePoint(code: number): void {
    if (code < 0x10000) this.push(code);
    else {
      code -= 0x10000;
      this.push(0xd800 + (code >> 10));
      this.push(0xdc00 + (code & 0x3ff));
    }
  }

  finish(): string {
    this.flush();
    return this.text;
  }

  private flush(): void {
    this.text += String.fromCharCode.apply(null, this.chunk.subarray(0, this.used) as never);
    this.used = 0;
  }
}
