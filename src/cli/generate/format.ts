const WIDTH = 100;

/**
 * A bracketed list as biome prints it: on one line when it fits in 100 columns,
 * else one item a line. `open` ends with "[", "{" or "(", `close` starts with its pair.
 */
export function wrapList(
  indent: string,
  open: string,
  items: readonly string[],
  close: string,
): string[] {
  const pad = open.endsWith("{") ? " " : "";
  const oneLine = `${indent}${open}${pad}${items.join(", ")}${pad}${close}`;
  if (oneLine.length <= WIDTH) return [oneLine];
  return [`${indent}${open}`, ...items.map((item) => `${indent}  ${item},`), `${indent}${close}`];
}
