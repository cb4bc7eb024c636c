// Types for the code-region plugin, so strict TypeScript tests can import the plain-JS plugin.

export interface CodeRef {
  file: string;
  region?: string | undefined;
  diff?: string | undefined;
}

export interface ResolveContext {
  rootDir: string;
  repoUrl?: string | undefined;
  chapter: string;
  line?: number | undefined;
  readFile?: (absPath: string) => string;
}

export interface ResolvedCode {
  lang: string | undefined;
  code: string;
  title: string;
  startLine: number | undefined;
  href: string | undefined;
}

export interface Region {
  code: string;
  startLine: number;
  endLine: number;
  contiguous: boolean;
}

/** An Error named 'CodeRegionError'. */
export function codeRegionError(message: string): Error;

export function parseMeta(meta: string | null | undefined): {
  attrs: Record<string, string>;
  rest: string[];
};
export function resolveCodeRef(ref: CodeRef, context: ResolveContext): ResolvedCode;
export function extractRegion(source: string, region: string | undefined): Region;
export function scanRegions(source: string): {
  lines: string[];
  regions: Map<string, { name: string; first: number; last: number }>;
  markers: Set<number>;
};
export function dedent(lines: string[]): string[];
export function diffLines(before: string[], after: string[]): string[];

/** The remark plugin (a unified attacher). */
export default function codeRegion(options: {
  rootDir: string;
  repoUrl?: string;
}): (tree: unknown, file: { path?: string }) => void;
