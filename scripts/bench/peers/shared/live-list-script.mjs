// A copy of the demo's list-page script (src/views/live-list-script.ts), so peer pages weigh
// the same and carry the same behaviour. The same-work check flags it when the demo's changes.
/** Where the demo serves it (its CSP allows no inline script): the page links to it. */
export const LIVE_LIST_SCRIPT_PATH = "/assets/live-list.js";

/** The file's headers, as the demo sends them. */
export const LIVE_LIST_SCRIPT_HEADERS = {
  "Content-Type": "text/javascript; charset=utf-8",
  "Cache-Control": "public, max-age=300",
};

export const LIVE_LIST_SCRIPT = `(() => {
  const list = document.querySelector("ol.links[data-room]");
  const template = document.getElementById("link-item");
  if (!list || !template || !("WebSocket" in window)) return;
  const status = document.querySelector(".live-status");
  const prepend = list.dataset.prepend === "true";
  const perPage = Number(list.dataset.perPage) || 20;
  let seq = null;
  let failures = 0;
  let socket = null;
  let leaving = false;

  const say = (state, text) => {
    list.dataset.live = state;
    if (status) status.textContent = text;
  };
  const label = (n) => n + (n === 1 ? " vote" : " votes");
  const itemOf = (id) => list.querySelector('li[data-id="' + Number(id) + '"]');

  function setVotes(id, votes) {
    const span = itemOf(id)?.querySelector(".votes");
    // Totals only grow: a frame that arrives after a newer one changes nothing.
    if (!span || Number(span.dataset.votes) >= votes) return;
    span.dataset.votes = String(votes);
    span.textContent = label(votes);
  }

  function hostOf(url) {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  }

  function addLink(link) {
    if (!prepend || itemOf(link.id)) return;
    const item = template.content.firstElementChild.cloneNode(true);
    const show = item.querySelector("a.discuss").getAttribute("href").replace(/0$/, String(link.id));
    item.dataset.id = String(link.id);
    item.querySelector("form").setAttribute("action", show + "/vote");
    item.querySelector("button").setAttribute("aria-label", "Vote for " + link.title);
    const title = item.querySelector("a.title");
    title.href = link.url;
    title.textContent = link.title;
    item.querySelector(".host").textContent = "(" + hostOf(link.url) + ")";
    item.querySelector("a.discuss").setAttribute("href", show);
    list.prepend(item);
    while (list.children.length > perPage) list.lastElementChild.remove();
  }

  function apply(frame) {
    if (frame.type === "message") {
      seq = frame.seq;
      const event = frame.data;
      if (event.type === "link") addLink(event);
      else if (event.type === "vote") setVotes(event.id, event.votes);
    } else if (frame.type === "ready") {
      seq = frame.seq;
      failures = 0;
      say("ready", "● live");
    } else if (frame.type === "gap") {
      say("gap", "Some updates were missed: reload the page to catch up.");
    }
  }

  function connect() {
    const url = new URL(list.dataset.room, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (seq !== null) url.searchParams.set("since", String(seq));
    socket = new WebSocket(url);
    socket.onmessage = (event) => {
      if (typeof event.data === "string" && event.data.startsWith("{")) apply(JSON.parse(event.data));
    };
    socket.onclose = () => {
      if (leaving) return;
      say("reconnecting", "reconnecting…");
      const delay = Math.min(30000, 500 * 2 ** failures++);
      setTimeout(connect, delay);
    };
  }

  // Keep-alive, answered by the runtime without waking the room.
  setInterval(() => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send("ping");
  }, 30000);
  addEventListener("pagehide", () => {
    leaving = true;
    socket?.close(1000, "page closed");
  });
  addEventListener("pageshow", (event) => {
    if (event.persisted && leaving) {
      leaving = false;
      connect();
    }
  });

  // Votes without leaving the page; any trouble falls back to the plain form post.
  list.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.action.endsWith("/vote")) return;
    event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json" },
        body: new URLSearchParams(new FormData(form)),
      });
      if (response.status === 429) {
        say(list.dataset.live, "Too many votes: try again in " + (response.headers.get("Retry-After") || "a few") + " s.");
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      const { data } = await response.json();
      setVotes(data.id, data.votes);
    } catch {
      form.submit();
    }
  });

  connect();
})();`;
