// Rows as snake_case SQLite columns → the demo's JSON shape (camelCase, ISO dates), key order kept.

const iso = (ms) => new Date(ms).toISOString();

export function linkJson(row) {
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    title: row.title,
    url: row.url,
    description: row.description,
    votes: row.votes,
  };
}

/** The show action's JSON: the link and its comments (the demo's key order). */
export function showJson(row, comments) {
  return { data: { ...linkJson(row), comments: comments.map(commentJson) } };
}

export function commentJson(row) {
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    linkId: row.link_id,
    author: row.author,
    body: row.body,
  };
}
