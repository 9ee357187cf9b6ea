// A copy of Nimbus's default page CSS (src/nimbus/view/styles.ts), so peer pages weigh the same.
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

/** The demo's name in its header and titles. */
export const APP_NAME = "Nimbus Links";

/** The body of GET /hello on every target. */
export const HELLO_TEXT = "Hello from Nimbus!";

/** Links per page, as in the demo. */
export const PER_PAGE = 20;
