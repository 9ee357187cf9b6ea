// The demo's link list as one template string: what the Node peers and raw workerd render.
// Markup matches Nimbus's layout and LinkList view so every page weighs the same.
import { APP_NAME, STYLES } from "./styles.mjs";

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

function linkItem(link) {
  return `<li><a href="${escapeHtml(link.url)}" rel="nofollow noopener">${escapeHtml(link.title)}</a> <small>(${escapeHtml(host(link.url))})</small> · <a href="/links/${link.id}">discuss</a></li>`;
}

/** `links` are one page's rows (id, title, url); `page` is 1-based; `hasNext` adds the "Older" link. */
export function renderLinkPage(links, page, perPage, hasNext) {
  const newer = page > 1 ? `<a href="/links?page=${page - 1}">Newer</a>` : "";
  const older = hasNext ? `<a href="/links?page=${page + 1}">Older</a>` : "";
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>Links · ${escapeHtml(APP_NAME)}</title><link rel="icon" href="data:,"/><style>${escapeHtml(STYLES)}</style></head>` +
    `<body><header><a href="/">${escapeHtml(APP_NAME)}</a></header><main><h1>Links</h1><p><a href="/links/new">Submit a link</a></p>` +
    `<ol class="links" start="${(page - 1) * perPage + 1}">${links.map(linkItem).join("")}</ol>` +
    `<nav class="actions">${newer}${older}</nav></main></body></html>`
  );
}
