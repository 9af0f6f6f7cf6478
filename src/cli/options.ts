/** Option parsers shared by the CLI's commands. */

/** Repeatable option values; each may also be a comma-separated list (`-e a,b -e c` → a, b, c). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}
