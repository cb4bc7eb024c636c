// Named regions in real source files: the pure part of the code-region plugin.
//
// A region is delimited by marker lines in whatever comment syntax the file uses:
//
//   // #region map-stack          # #region flags           /* #region entry */
//   ...                           ...                        ...
//   // #endregion                 # #endregion flags        /* #endregion entry */
//
// The end marker may repeat the name; if it does, it must match, so a typo is caught
// rather than silently closing the wrong region. Marker lines are never shown, and a
// line counts as a marker only if it holds nothing else, so a string literal that
// happens to mention "#region" is ordinary code.

const NAME = '([A-Za-z0-9_.-]+)';
const LINE_MARKER = new RegExp(String.raw`^\s*(?:\/\/|#)\s*#(region|endregion)(?:\s+${NAME})?\s*$`);
const BLOCK_MARKER = new RegExp(
  String.raw`^\s*\/\*\s*#(region|endregion)(?:\s+${NAME})?\s*\*\/\s*$`,
);

// Lab markers (see tools/labs/markers.ts) tell the starter generator what to remove;
// a reader of the chapter should see the reference code without them.
const LAB_MARKER = /^\s*\/\/ #(?:lab \d\d: .*|endlab\s*)$/;

/** @returns {{ kind: 'region' | 'endregion', name: string | undefined } | undefined} */
export function parseMarker(line) {
  const m = LINE_MARKER.exec(line) ?? BLOCK_MARKER.exec(line);
  if (!m) return undefined;
  return { kind: /** @type {'region' | 'endregion'} */ (m[1]), name: m[2] };
}

/**
 * Splits a file into lines and finds every region in it.
 * Line numbers are 1-based, as an editor shows them; `first`/`last` are the region's
 * content lines, excluding its own markers.
 */
export function scanRegions(source) {
  const lines = source.split(/\r?\n/);
  // A trailing newline is the end of the last line, not an extra empty line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  /** @type {Map<string, { name: string, first: number, last: number }>} */
  const regions = new Map();
  /** @type {Set<number>} */
  const markers = new Set();
  /** @type {{ name: string, line: number }[]} */
  const open = [];
  lines.forEach((text, i) => {
    const lineNo = i + 1;
    if (LAB_MARKER.test(text)) {
      markers.add(lineNo);
      return;
    }
    const marker = parseMarker(text);
    if (!marker) return;
    markers.add(lineNo);
    if (marker.kind === 'region') {
      if (!marker.name) throw new Error(`line ${lineNo}: #region needs a name`);
      if (regions.has(marker.name) || open.some((r) => r.name === marker.name)) {
        throw new Error(`line ${lineNo}: region "${marker.name}" is defined twice`);
      }
      open.push({ name: marker.name, line: lineNo });
      return;
    }
    const top = open.pop();
    if (!top) throw new Error(`line ${lineNo}: #endregion without a matching #region`);
    if (marker.name && marker.name !== top.name) {
      throw new Error(
        `line ${lineNo}: #endregion ${marker.name} closes region "${top.name}" (opened on line ${top.line})`,
      );
    }
    regions.set(top.name, { name: top.name, first: top.line + 1, last: lineNo - 1 });
  });
  const unclosed = open.pop();
  if (unclosed) {
    throw new Error(`line ${unclosed.line}: region "${unclosed.name}" is never closed`);
  }
  return { lines, regions, markers };
}

/** Removes the indentation every non-blank line shares, so a region cut from a method reads flush left. */
export function dedent(lines) {
  let common = undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
    if (common === undefined) common = indent;
    else {
      let n = 0;
      while (n < common.length && n < indent.length && common[n] === indent[n]) n++;
      common = common.slice(0, n);
    }
  }
  const cut = common?.length ?? 0;
  return lines.map((line) => (line.trim() === '' ? '' : line.slice(cut)));
}

/**
 * The text of one region (or of the whole file when `region` is undefined), as it
 * should appear in a chapter: markers of nested regions dropped, blank lines at either
 * end trimmed, common indentation removed. `startLine`/`endLine` are the real line
 * numbers of the first and last line shown.
 *
 * @param {string} source
 * @param {string | undefined} region
 */
export function extractRegion(source, region) {
  const { lines, regions, markers } = scanRegions(source);
  let first = 1;
  let last = lines.length;
  if (region !== undefined) {
    const found = regions.get(region);
    if (!found) {
      // In file order, so the list reads like the file.
      const known = [...regions.values()].sort((a, b) => a.first - b.first).map((r) => r.name);
      throw new Error(
        `no region "${region}"` +
          (known.length
            ? ` (regions in this file: ${known.join(', ')})`
            : ' (this file has no regions)'),
      );
    }
    ({ first, last } = found);
  }
  /** @type {{ no: number, text: string }[]} */
  let shown = [];
  for (let no = first; no <= last; no++) {
    if (!markers.has(no)) shown.push({ no, text: lines[no - 1] ?? '' });
  }
  while (shown.length && shown[0]?.text.trim() === '') shown.shift();
  while (shown.length && shown[shown.length - 1]?.text.trim() === '') shown.pop();
  if (shown.length === 0) {
    throw new Error(region === undefined ? 'the file is empty' : `region "${region}" is empty`);
  }
  const text = dedent(shown.map((l) => l.text));
  return {
    code: text.join('\n'),
    startLine: shown[0]?.no ?? first,
    endLine: shown[shown.length - 1]?.no ?? last,
    // Nested markers were removed, so numbering after them would drift: say so.
    contiguous: shown.length === (shown[shown.length - 1]?.no ?? 0) - (shown[0]?.no ?? 0) + 1,
  };
}
