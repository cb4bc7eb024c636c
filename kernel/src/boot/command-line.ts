/**
 * The kernel command line, `kindling boot 01 --append "a=1 verbose"`, as a
 * map: `key=value` words give value, bare words give "". Later words win.
 */
export function parseCommandLine(text: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const equals = word.indexOf('=');
    if (equals < 0) options.set(word, '');
    else options.set(word.slice(0, equals), word.slice(equals + 1));
  }
  return options;
}
