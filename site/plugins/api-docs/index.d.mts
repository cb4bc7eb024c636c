// Types for the api-docs plugin, so strict TypeScript tests can import the plain-JS plugin.

export function listTypeScript(dir: string): string[];

export function generateApiMarkdown(options: {
  entryPoints: string[];
  tsconfig: string;
  out: string;
  basePath: string;
  sourceUrl: string;
  readme: string;
}): Promise<void>;

declare function apiDocs(context: unknown, options: unknown): Promise<unknown>;
export default apiDocs;

export function validateOptions(args: { validate: unknown; options: unknown }): unknown;
