/**
 * Huntflow parser speed: parses a generated 10,000-line huntflow (the seed's statement shapes, repeated with fresh
 * variable names) and reports ms per parse and lines/s, as a ratio against a baseline measured in the same run: one
 * regex tokenizer pass over the same text (the least any parser must do). Times are best of 20 runs. A second
 * huntflow of the same size writes every WHERE over several lines with a `#` comment inside (the shape that used to
 * make the STIX bridge copy the whole text per clause). The editor highlighter (`highlightHuntflow`, what the
 * JupyterLab extension runs on each change of a cell) is timed on the same texts.
 *
 *     node --import tsx bench/hunt-parse.ts
 */
import { highlightHuntflow } from '../src/hunt/syntax/highlight.ts';
import { parseHuntflow } from '../src/hunt/syntax/index.ts';

function generate(lines: number): string {
  const out: string[] = [];
  let i = 0;
  while (out.length < lines) {
    const v = `v${i++}`;
    out.push(
      `${v}a = GET process FROM stixshifter://container1`,
      `      WHERE [process:parent_ref.name = 'node' AND process:x_ttp_tags LIKE '%T1059%']`,
      `      START t'2021-10-17T00:00:00Z' STOP t'2021-10-18T00:00:00Z'`,
      `${v}b = FIND process CREATED BY ${v}a  # children`,
      `${v}c = GET process FROM ${v}b WHERE name != 'bash' AND pid IN (1, 2, 3)`,
      `${v}c = SORT ${v}c BY created ASC`,
      `${v}d = GROUP ${v}c BY name, BIN(first_observed, 5m) WITH COUNT(pid) AS n`,
      `DISP ${v}c ATTR created, pid, name, command_line SORT BY pid LIMIT 10`,
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** Multi-line WHEREs with `#` comments inside. */
function generateCommented(lines: number): string {
  const out: string[] = [];
  let i = 0;
  while (out.length < lines) {
    const v = `v${i++}`;
    out.push(
      `${v}a = GET process FROM stixshifter://container1`,
      `      WHERE name = 'cmd.exe'    # the shell`,
      `        AND command_line LIKE '%whoami%'`,
      `        OR pid IN (1, 2, 3)     # a list`,
      `${v}b = FIND process CREATED BY ${v}a`,
      `${v}c = ${v}b WHERE pid = ${v}a.pid  # a reference`,
      `        AND parent_ref.name != 'explorer.exe'`,
      `DISP ${v}c ATTR pid, name SORT BY pid LIMIT 10`,
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/**
 * Best-of-n wall time in ms (the minimum is the least disturbed by other processes on a shared machine) and the
 * mean CPU time of this process per run (user + system; not inflated by waiting for a core).
 */
function time(fn: () => unknown, rounds: number): { wall: number; cpu: number } {
  fn(); // warm-up
  let best = Infinity;
  const c0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const c = process.cpuUsage(c0);
  return { wall: best, cpu: (c.user + c.system) / 1000 / rounds };
}

const LINES = 10_000;
const row = (name: string, t: { wall: number; cpu: number }): string =>
  `${name.padEnd(34)} best ${t.wall.toFixed(1).padStart(7)} ms   cpu ${t.cpu.toFixed(1).padStart(7)} ms`;
for (const [label, text] of [
  ['plain', generate(LINES)],
  ['comments inside WHERE', generateCommented(LINES)],
] as const) {
  const baseline = time(() => text.match(/[A-Za-z_][A-Za-z0-9_-]*|'(?:[^'\\]|\\.)*'|\d+|\S/g)?.length, 20);
  const parse = time(() => parseHuntflow(text).statements.length, 20);
  const highlight = time(() => highlightHuntflow(text).length, 20);
  const statements = parseHuntflow(text).statements.length;
  console.log(
    `huntflow (${label}): ${LINES} lines, ${statements} statements, ${(text.length / 1024).toFixed(0)} KiB`,
  );
  console.log(row('baseline (regex tokenizer pass):', baseline));
  console.log(row('parseHuntflow:', parse));
  console.log(
    `parseHuntflow: ${Math.round((LINES / parse.wall) * 1000).toLocaleString('en')} lines/s (best), ` +
      `${(parse.wall / baseline.wall).toFixed(1)}× baseline wall, ${(parse.cpu / baseline.cpu).toFixed(1)}× baseline cpu`,
  );
  console.log(row('highlightHuntflow:', highlight));
  console.log(
    `highlightHuntflow: ${(highlight.cpu / baseline.cpu).toFixed(1)}× baseline cpu, ` +
      `${(highlight.cpu / parse.cpu).toFixed(2)}× parseHuntflow cpu`,
  );
}
