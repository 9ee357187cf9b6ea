import { ButtonTo, DefaultLayout, type LayoutProps, type Session } from "nimbus-web";
import { isEditor } from "../session.tsx";

// The demo's additions to Nimbus's styles: inline vote forms, the session line in the header.
const APP_STYLES = `
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

/** Nimbus's layout plus who is signed in, drawn in the header bar. */
export function AppLayout(props: LayoutProps) {
  return (
    <DefaultLayout {...props}>
      <style dangerouslySetInnerHTML={{ __html: APP_STYLES }} />
      <SessionBar session={props.session} />
      {props.children}
    </DefaultLayout>
  );
}

function SessionBar({ session }: { session: Session | undefined }) {
  if (!session) return null;
  return (
    <div class="session-bar">
      {isEditor(session) ? (
        <>
          Signed in as editor{" "}
          <ButtonTo action="/session" method="delete" csrf={session.csrfToken()}>
            Sign out
          </ButtonTo>
        </>
      ) : (
        // Not "Sign in as editor": link names are matched by substring, so it would also be "Edit".
        <a href="/session/new">Sign in</a>
      )}
    </div>
  );
}
