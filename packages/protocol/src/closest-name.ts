/**
 * The known name closest to a misspelt one, for error messages that name the fix ("did you
 * mean 'response_done'?"): used where a name that matches nothing would otherwise fail
 * silently (a session event nobody emits, a fake-server rule that never fires).
 * @module
 */

/**
 * The name of `known` closest to `name` by edit distance, when it is close enough to be a typo
 * (within a quarter of its length, at least 3 edits); `undefined` when none is.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 4)) + 1;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

// Levenshtein distance, two rows
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** An option a function does not take, with the option it was likely meant to be. */
export interface UnknownOption {
  /** The key given. */
  readonly name: string;
  /** The known option within typo distance of it, if any (`baseURL` for `baseUrl`). */
  readonly near: string | undefined;
}

/**
 * The first key of `options` (with a value other than `undefined`) that is not in `known`, or
 * `undefined` when every key is known. For options objects whose typo would otherwise be ignored
 * without a word: `{ baseUrl }` for `{ baseURL }` connects to the default endpoint.
 */
export function unknownOption(
  options: object,
  known: ReadonlySet<string>,
): UnknownOption | undefined {
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || known.has(name)) continue;
    // a different case is the likeliest slip (baseUrl, apikey): named before any other guess
    const lower = name.toLowerCase();
    const sameLetters = [...known].find((candidate) => candidate.toLowerCase() === lower);
    return { name, near: sameLetters ?? closestName(name, known) };
  }
  return undefined;
}

/** What to say of `unknown`, an option `owner` does not take: "baseUrl is no option of openaiConnector (did you mean baseURL?)". */
export function unknownOptionMessage(unknown: UnknownOption, owner: string): string {
  return `${unknown.name} is no option of ${owner}${unknown.near ? ` (did you mean ${unknown.near}?)` : ''}`;
}

/**
 * The names of an options type's keys, as a set; the record is held complete by the compiler, so
 * an option added to `T` and left out here is a compile error, not an option refused as unknown.
 */
export function optionNames<T>(keys: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}
