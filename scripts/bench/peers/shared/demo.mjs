// What the peers copy from the demo so they answer with the same bytes: Nimbus's page CSS
// (src/nimbus/view/styles.ts), the demo's own CSS, names and constants.

export const STYLES = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f7f8fa}
main{max-width:46rem;margin:2rem auto;padding:0 1rem}
a{color:#2453c7}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #dde}
label{display:block;font-weight:600;margin-top:1rem}
input[type=text],input[type=url],input[type=number],input[type=datetime-local],textarea{width:100%;padding:.4rem;box-sizing:border-box}
.field-error input,.field-error textarea{border:2px solid #c62828}
.error{color:#c62828;margin:.2rem 0}
.error-summary{border:1px solid #c62828;background:#fde7e7;padding:.2rem 1rem;border-radius:4px}
.flash{padding:.6rem 1rem;border-radius:4px}.flash-notice{background:#e3f4e6}.flash-alert{background:#fde7e7}
.actions{display:flex;gap:1rem;align-items:center;margin-top:1rem}
button{padding:.4rem 1rem}
input,textarea,select,button{font:inherit}
header{background:#1d2330;padding:.6rem 1rem}header a{color:#fff;font-weight:700;text-decoration:none}
form .actions,form>button{margin-top:1rem}
`;

/** The demo's additions (src/views/layout.tsx): inline vote forms, the session bar. */
export const APP_STYLES = `
.vote form,.session-bar form{display:inline;margin:0}
.vote button{margin:0;padding:0 .45rem;line-height:1.4;cursor:pointer}
.byline{margin:1rem 0}
.votes{color:#555;font-size:.9em}
.live-status{color:#2e7d32;margin-left:.5rem}
body{position:relative}
.session-bar{position:absolute;top:.6rem;right:1rem;margin:0;color:#fff;font-size:.9em}
.session-bar a,.session-bar button{color:#fff;font-weight:400}
.session-bar button{margin:0;background:none;border:1px solid #fff;border-radius:3px;padding:0 .4rem}
`;

/** The demo's name in its header and titles. */
export const APP_NAME = "Nimbus Links";

/** The body of GET /hello on every target. */
export const HELLO_TEXT = "Hello from Nimbus!";

/** Links per page, as in the demo. */
export const PER_PAGE = 20;

/** Signs the peers' session cookies (the demo's is signed with SESSION_SECRET the same way). */
export const SESSION_SECRET = "bench-peers-session-secret-0123456789abcdef";
