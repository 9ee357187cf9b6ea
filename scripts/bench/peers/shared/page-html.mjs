// The demo's link list as template strings: what the Node peers and raw workerd render.
// Markup matches Nimbus's layout, the demo's AppLayout and LinkList views, byte for byte.

import { APP_NAME, APP_STYLES, STYLES } from "./demo.mjs";
import { LIVE_LIST_SCRIPT_PATH } from "./live-list-script.mjs";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes like hono/jsx does, text and attributes alike. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

function host(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const votesLabel = (votes) => `${votes} ${votes === 1 ? "vote" : "votes"}`;

/** One row: vote form (with the client's CSRF token), title, host, discuss link. */
function linkItem(link, votes, back, csrf) {
  const show = `/links/${link.id}`;
  const title = escapeHtml(link.title);
  return (
    `<li data-id="${link.id}"><span class="vote"><form action="${show}/vote" method="post"><input type="hidden" name="_csrf" value="${escapeHtml(csrf)}"/><input type="hidden" name="back" value="${escapeHtml(back)}"/><button type="submit" aria-label="Vote for ${title}" title="Vote">▲</button></form> <span class="votes" data-votes="${votes}">${votesLabel(votes)}</span></span> ` +
    `<a class="title" href="${escapeHtml(link.url)}" rel="nofollow noopener">${title}</a> <small class="host">(${escapeHtml(host(link.url))})</small> · <a class="discuss" href="${show}">discuss</a></li>`
  );
}

/**
 * One page of links. `links` are rows with id, title, url and votes; `back` is the request's path
 * and query (where a vote returns to); `csrf` is the client's session token.
 */
export function renderLinkPage({ links, page, perPage, hasNext, back, csrf }) {
  const newer = page > 1 ? `<a href="/links?page=${page - 1}">Newer</a>` : "";
  const older = hasNext ? `<a href="/links?page=${page + 1}">Older</a>` : "";
  const items = links.map((link) => linkItem(link, link.votes, back, csrf)).join("");
  const blank = linkItem({ id: 0, title: "", url: "" }, 0, back, csrf);
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>Links · ${escapeHtml(APP_NAME)}</title><link rel="icon" href="data:,"/><style>${STYLES}</style></head>` +
    `<body><header><a href="/">${escapeHtml(APP_NAME)}</a></header><main><style>${APP_STYLES}</style><div class="session-bar"><a href="/session/new">Sign in</a></div>` +
    `<h1>Links</h1><p><a href="/links/new">Submit a link</a> <small class="live-status" aria-live="polite"></small></p>` +
    `<ol class="links" start="${(page - 1) * perPage + 1}" data-room="/live/links" data-prepend="${page === 1}" data-per-page="${perPage}">${items}</ol>` +
    `<template id="link-item">${blank}</template><nav class="actions">${newer}${older}</nav><script src="${LIVE_LIST_SCRIPT_PATH}"></script></main></body></html>`
  );
}
