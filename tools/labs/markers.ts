/**
 * Lab regions: code a lab removes from the kernel for the learner to write.
 *
 *     // #lab 01: the hint, shown in the starter as a TODO
 *     // Leading comment lines stay in the starter as further hints.
 *     ...reference code, removed from the starter...
 *     // #endlab
 *
 * The starter keeps the hint and the leading comments, and in place of the
 * code throws an Error naming the lab, so an unfinished function fails
 * loudly (and type-checks: `throw` has type never).
 */

const BEGIN = /^(\s*)\/\/ #lab (\d\d): (.+)$/;
const END = /^\s*\/\/ #endlab\s*$/;
const COMMENT = /^\s*\/\//;

export class LabMarkerError extends Error {}

export interface LabRegion {
  lab: string;
  hint: string;
  /** 1-based lines of the begin and end markers. */
  begin: number;
  end: number;
}

// #region find-regions
export function findLabRegions(source: string, file: string): LabRegion[] {
  const regions: LabRegion[] = [];
  let open: LabRegion | undefined;
  source.split('\n').forEach((line, index) => {
    const begin = BEGIN.exec(line);
    if (begin) {
      if (open)
        throw new LabMarkerError(
          `${file}:${index + 1}: #lab inside the #lab at line ${open.begin}`,
        );
      open = { lab: begin[2]!, hint: begin[3]!.trim(), begin: index + 1, end: 0 };
    } else if (END.test(line)) {
      if (!open) throw new LabMarkerError(`${file}:${index + 1}: #endlab without #lab`);
      regions.push({ ...open, end: index + 1 });
      open = undefined;
    } else if (/#(end)?lab\b/.test(line) && COMMENT.test(line)) {
      throw new LabMarkerError(
        `${file}:${index + 1}: malformed lab marker (want "// #lab NN: hint" or "// #endlab")`,
      );
    }
  });
  if (open)
    throw new LabMarkerError(
      `${file}:${open.begin}: #lab ${open.lab} is never closed with #endlab`,
    );
  return regions;
}
// #endregion find-regions

// #region starter
/** The learner's starting point: `lab`'s regions replaced by their hints and a throw. */
export function makeStarter(source: string, file: string, lab: string): string {
  const lines = source.split('\n');
  const regions = findLabRegions(source, file).filter((region) => region.lab === lab);
  if (regions.length === 0) throw new LabMarkerError(`${file} has no #lab ${lab} regions`);
  const out: string[] = [];
  let next = 0;
  for (const region of regions) {
    out.push(...lines.slice(next, region.begin - 1));
    const indent = BEGIN.exec(lines[region.begin - 1]!)![1]!;
    out.push(`${indent}// TODO(lab ${lab}): ${region.hint}`);
    let line = region.begin;
    while (line < region.end - 1 && COMMENT.test(lines[line]!)) out.push(lines[line++]!);
    out.push(
      `${indent}throw new Error('lab ${lab}: not written yet: ${region.hint.replace(/'/g, "\\'")}');`,
    );
    next = region.end;
  }
  out.push(...lines.slice(next));
  return out.join('\n');
}
// #endregion starter
