/**
 * Source maps, just enough to turn a panic's JavaScript positions back into
 * TypeScript ones. The build links the stage's map into the image; it is
 * decoded only if the kernel panics, so a healthy boot pays nothing.
 *
 * Format: Source Map Revision 3. `mappings` holds one group per generated
 * line, separated by ";"; each group holds segments separated by ","; each
 * segment is 1, 4 or 5 base64 VLQ numbers, all but the first relative to
 * the previous segment's: generated column, source index, source line,
 * source column, name index.
 */

export interface RawSourceMap {
  /** The generated file the map describes: the name stack traces show. */
  file: string;
  sources: string[];
  mappings: string;
}

export interface SourcePosition {
  source: string;
  /** 1-based, as editors and stack traces count. */
  line: number;
  column: number;
}

interface Segment {
  generatedColumn: number;
  source: number;
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// #region vlq
/**
 * Decodes one segment's VLQ numbers. Each base64 digit carries five bits of
 * value, least significant first, and a sixth "more digits follow" bit; the
 * lowest bit of the assembled number is its sign.
 */
export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new SyntaxError(`source map: bad base64 digit '${char}'`);
    value += (digit & 31) * 2 ** shift;
    shift += 5;
    if (digit & 32) continue;
    values.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new SyntaxError('source map: truncated VLQ number');
  return values;
}
// #endregion vlq

export class SourceMap {
  private readonly lines: Segment[][] = [];

  readonly file: string;

  constructor(private readonly raw: RawSourceMap) {
    this.file = raw.file;
    // Source index, line and column run on across lines; only the
    // generated column restarts at each new line.
    let source = 0;
    let line = 0;
    let column = 0;
    for (const group of raw.mappings.split(';')) {
      const segments: Segment[] = [];
      let generatedColumn = 0;
      for (const text of group.split(',')) {
        if (text === '') continue;
        const fields = decodeVlq(text);
        generatedColumn += fields[0]!;
        if (fields.length < 4) continue; // a segment that maps to no source
        source += fields[1]!;
        line += fields[2]!;
        column += fields[3]!;
        segments.push({ generatedColumn, source, line, column });
      }
      this.lines.push(segments);
    }
  }

  static parse(json: string): SourceMap {
    const raw = JSON.parse(json) as Partial<RawSourceMap>;
    if (
      typeof raw.file !== 'string' ||
      !Array.isArray(raw.sources) ||
      typeof raw.mappings !== 'string'
    ) {
      throw new SyntaxError('source map: needs "file", "sources" and "mappings"');
    }
    return new SourceMap({ file: raw.file, sources: raw.sources, mappings: raw.mappings });
  }

  // #region lookup
  /**
   * The source position of generated `line:column` (both 1-based): the last
   * segment on that line starting at or before the column, or, left of the
   * first segment, the first one.
   */
  lookup(line: number, column: number): SourcePosition | undefined {
    const segments = this.lines[line - 1];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0]!;
    for (const segment of segments) {
      if (segment.generatedColumn > column - 1) break;
      best = segment;
    }
    const source = this.raw.sources[best.source];
    if (source === undefined) return undefined;
    return { source, line: best.line + 1, column: best.column + 1 };
  }
  // #endregion lookup
}

// #region rewrite-stack
/**
 * Rewrites every `FILE:LINE:COLUMN` position of the map's generated file in
 * a stack trace. Unknown positions stay as they are, so a partly mapped
 * stack is still a useful stack.
 */
export function rewriteStack(stack: string, map: SourceMap): string {
  const escaped = map.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const position = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`, 'g');
  return stack.replace(position, (whole, line: string, column: string | undefined) => {
    const found = map.lookup(Number(line), Number(column ?? 1));
    return found ? `${found.source}:${found.line}:${found.column}` : whole;
  });
}
// #endregion rewrite-stack
