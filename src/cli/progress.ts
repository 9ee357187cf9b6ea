import { stdout } from "node:process";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function seconds(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)}s`;
}

/**
 * Runs one long step and shows it: a spinner with the elapsed time on a terminal,
 * a start and an end line otherwise (CI logs), and which step failed if it throws.
 */
export async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  if (stdout.isTTY) {
    let frame = 0;
    const draw = () =>
      stdout.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label} (${seconds(start)})`);
    draw();
    timer = setInterval(draw, 100);
  } else {
    stdout.write(`… ${label}\n`);
  }
  const clear = () => {
    clearInterval(timer);
    if (stdout.isTTY) stdout.write("\r\x1b[2K");
  };
  try {
    const result = await work();
    clear();
    stdout.write(`✓ ${label} (${seconds(start)})\n`);
    return result;
  } catch (error) {
    clear();
    stdout.write(`✗ ${label} (${seconds(start)})\n`);
    throw error;
  }
}

/** One line of a generator's report, Rails-style: `  create  src/models/post.ts`. */
export function report(action: string, path: string, note?: string): void {
  stdout.write(`  ${action.padStart(9)}  ${path}${note ? `  (${note})` : ""}\n`);
}

export function say(message: string): void {
  stdout.write(`${message}\n`);
}
