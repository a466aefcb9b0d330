// Quoting for the places where generated text is read by /bin/sh (a Dockerfile's
// shell-form RUN) or as a .dockerignore pattern. Inputs are validated tokens
// already; quoting keeps the output right even if one were not.

// Characters no POSIX shell treats specially anywhere in a word.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: as it is when nothing in it is special, else single-quoted. */
export function shellWord(s: string): string {
  return SAFE_WORD.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Text to put between double quotes: \, ", $ and ` escaped (so it expands to itself). */
export function inDoubleQuotes(s: string): string {
  return s.replace(/[\\"$`]/g, '\\$&');
}

/** A literal path as a .dockerignore pattern: the glob characters * ? [ ] \ escaped. */
export function ignorePattern(path: string): string {
  return path.replace(/[*?[\]\\]/g, '\\$&');
}
