/**
 * Voice names the page offers (kept apart from the valibot schemas so the page bundle stays
 * small). The server accepts any non-empty name, so a new voice needs no release.
 * @module
 */

/** Voices listed in the settings form. */
export const VOICES = [
  'alloy',
  'ash',
  'ballad',
  'cedar',
  'coral',
  'echo',
  'marin',
  'sage',
  'shimmer',
  'verse',
] as const;
