/** The bench's starting rows (the main bench's seed), as positional values for an INSERT. */
import { seedLinks } from "../peers/shared/seed-links.mjs";

export const INSERT_LINK =
  "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)";

export function seedRows(count: number): (string | number)[][] {
  return seedLinks(count).map((r) => [
    r.id,
    r.title,
    r.url,
    r.description,
    r.createdAt,
    r.updatedAt,
  ]);
}
