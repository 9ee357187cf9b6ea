// ?page as the demo reads it: a whole number from 1; anything else is the client's mistake (400).
const MAX_PAGE = 1_000_000;

/** The page number, or null when `text` is not a valid one. */
export function pageNumber(text) {
  if (text === undefined || text === null) return 1;
  const value = Number(text);
  return /^\d+$/.test(text) && value >= 1 && value <= MAX_PAGE ? value : null;
}
