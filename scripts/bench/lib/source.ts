// The demo is measured at a commit, not from a working tree others may be editing mid-run.
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { runToEnd } from "./processes.ts";

export interface Source {
  /** Where the demo's files are: a fresh export of the commit, or the working tree itself. */
  dir: string;
  ref: string;
  commit: string;
  /** True when measuring the working tree and it differs from the commit. */
  uncommitted_changes: boolean;
}

const git = (root: string, args: string[]) =>
  runToEnd("git", ["-C", root, ...args], { maxSeconds: 60 }).then((out) => out.trim());

/** `ref` "worktree" measures the files as they are; any other ref is exported to `workDir`. */
export async function demoSource(root: string, ref: string, workDir: string): Promise<Source> {
  const commit = await git(root, ["rev-parse", ref === "worktree" ? "HEAD" : `${ref}^{commit}`]);
  if (ref === "worktree") {
    const status = await git(root, [
      "status",
      "--porcelain",
      "--",
      "src",
      "migrations",
      "wrangler.toml",
      "package.json",
    ]);
    return { dir: root, ref, commit, uncommitted_changes: status.length > 0 };
  }
  const dir = join(workDir, "demo-source");
  const archive = join(workDir, "demo-source.tar");
  await git(root, ["archive", "--format=tar", "-o", archive, commit]);
  await runToEnd("mkdir", ["-p", dir], { maxSeconds: 10 });
  await runToEnd("tar", ["-xf", archive, "-C", dir], { maxSeconds: 60 });
  // The commit's own package.json and sources, the checkout's installed packages.
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  // The demo imports nimbus-web as an app does, through the package's built files.
  await runToEnd(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.build.json")],
    { maxSeconds: 300 },
  );
  return { dir, ref, commit, uncommitted_changes: false };
}
