/** Where things live. Build outputs go to build/, fetched sources to cache/: both ignored. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = join(ROOT, 'cache');
export const BUILD = join(ROOT, 'build');
export const PLATFORM = join(ROOT, 'kernel', 'platform');
export const STAGES = join(ROOT, 'kernel', 'stages');
export const HOST_COMPILER = join(BUILD, 'host', 'kindling-qjsc');
