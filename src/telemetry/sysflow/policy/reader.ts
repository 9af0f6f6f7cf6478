/**
 * Reader of SysFlow/Falco policy files. The files are YAML in spirit but not always in fact (tabs, a stray leading
 * space before `- list:`, rule names containing `: `, continuation lines at column 0), and sf-processor itself reads
 * them with a keyword-driven grammar. So does this reader:
 *
 * - a declaration starts at a line `- <kind>: …` at column 0 (or 1, the stray space);
 * - inside it, a field starts at a line `<key>: …` whose key is one of the known field names, indented at most one
 *   column deeper than the first key; every other line continues the current field (nested blocks such as Falco's
 *   `exceptions:` are skipped as part of their field);
 * - lines whose first non-blank character is `#` are comments, as is ` # …` outside quotes at the end of a line.
 *
 * Conditions are parsed straight from the file text (comments blanked out, same length), so every node's span is its
 * true `file:line:col`. A malformed declaration becomes a {@link LoadProblem}; the rest of the file still loads.
 */
import { isPeregrineError } from '../../../errors/index.ts';
import { deepFreeze } from '../../../common/index.ts';
import type { Atom, Condition, Decl, LoadProblem, PolicyFile, Span } from './ast.ts';
import { parseCondition } from './condition.ts';
import { isSigmaText, readSigmaFile } from './sigma.ts';
import { PolicyLines } from './span.ts';

const DECL_KINDS = new Set(['rule', 'macro', 'list', 'filter', 'drop']);
/** Top-level Falco entries that carry no detection logic. */
const IGNORED_DECLS = new Set(['required_engine_version', 'required_plugin_versions', 'append']);
const FIELDS = new Set([
  'rule',
  'macro',
  'list',
  'filter',
  'drop',
  'desc',
  'condition',
  'action',
  'actions',
  'output',
  'priority',
  'tags',
  'prefilter',
  'enabled',
  'items',
  'append',
  'source',
  'exceptions',
  'override',
  'warn_evttypes',
  'skip-if-unknown-filter',
  'required_engine_version',
  'required_plugin_versions',
  'name',
]);

interface Field {
  readonly key: string;
  readonly keySpan: Span;
  /** File offsets of the value: from after the colon to the end of the field's last line. */
  readonly start: number;
  readonly end: number;
}

/** Copy of text[start,end) with comments replaced by spaces (same length, so offsets still match the file). */
function blankComments(text: string, start: number, end: number): string {
  const chars = text.slice(start, end).split('');
  let quote: string | null = null;
  let lineStart = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\n') {
      quote = null;
      lineStart = true;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      // Quotes open a string only at a token boundary (not inside words like it's).
      const prev = i > 0 ? chars[i - 1] : ' ';
      if (/[\s(,[=<>]/.test(prev) || lineStart) quote = c;
      lineStart = false;
      continue;
    }
    if (c === '#' && (lineStart || i === 0 || /\s/.test(chars[i - 1]))) {
      while (i < chars.length && chars[i] !== '\n') chars[i++] = ' ';
      i--;
      continue;
    }
    if (c !== ' ' && c !== '\t') lineStart = false;
  }
  return chars.join('');
}

function unquote(s: string): string {
  let t = s.trim();
  while (t.length >= 2 && ((t[0] === '"' && t.endsWith('"')) || (t[0] === "'" && t.endsWith("'")))) t = t.slice(1, -1);
  return t;
}

/** Reads a scalar field as folded text (block indicators dropped, lines joined by one space). */
function scalar(raw: string): string {
  let t = raw.trim();
  if (/^[>|][-+]?\s*(\n|$)/.test(t)) t = t.replace(/^[>|][-+]?/, '');
  return unquote(t.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' '));
}

/** Items of a flow list `[a, "b", 'c']` or a block list (`- a` lines) or a bare scalar, with spans. */
function listItems(text: string, start: number, end: number, lines: PolicyLines, problems: LoadProblem[]): Atom[] {
  const src = blankComments(text, start, end);
  const out: Atom[] = [];
  const push = (s: number, e: number): void => {
    const raw = src.slice(s, e);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const value = unquote(trimmed);
    out.push({ kind: 'atom', text: value, quoted: value !== trimmed, span: lines.span(start + s + lead, trimmed.length) });
  };
  const open = src.indexOf('[');
  if (open >= 0 && src.slice(0, open).trim() === '') {
    let depth = 0;
    let itemStart = open + 1;
    let quote: string | null = null;
    for (let i = open; i < src.length; i++) {
      const c = src[i];
      if (quote) {
        if (c === quote) quote = null;
        continue;
      }
      if ((c === '"' || c === "'") && src.slice(itemStart, i).trim() === '') {
        quote = c;
        continue;
      }
      if (c === '[') {
        depth++;
        if (depth === 1) itemStart = i + 1;
      } else if (c === ']') {
        depth--;
        if (depth === 0) {
          push(itemStart, i);
          return out;
        }
      } else if (c === ',' && depth === 1) {
        push(itemStart, i);
        itemStart = i + 1;
      }
    }
    // The list ran to the end of its field without its ']' (or inside an unclosed quote): say so at the '['.
    push(itemStart, src.length);
    problems.push({
      severity: 'error',
      code: 'E_POLICY_SYNTAX',
      message: quote ? `a ${quote} quote in this list is not closed` : "the '[' of this list is not closed",
      span: lines.span(start + open, 1),
    });
    return out;
  }
  // Block list: "- item" lines; or a single bare value.
  const re = /^[ \t]*-[ \t]+(.*)$/gm;
  let m: RegExpExecArray | null;
  let any = false;
  while ((m = re.exec(src)) !== null) {
    any = true;
    const s = m.index + m[0].length - m[1].length;
    push(s, s + m[1].length);
  }
  if (!any) {
    const t = src.trim();
    if (t !== '') {
      const s = src.indexOf(t);
      for (const part of t.split(',')) {
        const off = src.indexOf(part, s);
        push(off, off + part.length);
      }
    }
  }
  return out;
}

/** Parses one policy file. Never throws for bad content: problems are returned with the declarations that loaded. */
export function readPolicyFile(source: string, text: string): PolicyFile {
  if (isSigmaText(text)) return readSigmaFile(source, text);
  const lines = new PolicyLines(text);
  const decls: Decl[] = [];
  const problems: LoadProblem[] = [];
  const rows = text.split('\n');
  const starts = (row: number): number => lines.lineStart(row + 1);

  let i = 0;
  while (i < rows.length) {
    const row = rows[i];
    const m = /^( ?)-[ \t]+([A-Za-z_][\w-]*)[ \t]*:(?=\s|$)/.exec(row);
    if (!m) {
      const t = row.trim();
      if (t !== '' && !t.startsWith('#') && !/^---\s*$/.test(t)) {
        problems.push({
          severity: 'error',
          code: 'E_POLICY_STRAY',
          message: `text outside any declaration: ${JSON.stringify(t.slice(0, 60))}`,
          span: lines.span(starts(i) + row.indexOf(t), t.length),
        });
      }
      i++;
      continue;
    }
    // Collect the declaration's lines: until the next line that starts a declaration.
    const first = i;
    i++;
    while (i < rows.length && !/^ ?-[ \t]+[A-Za-z_][\w-]*[ \t]*:(?=\s|$)/.test(rows[i])) i++;
    const keyIndent = m[0].indexOf(m[2]);
    const fields: Field[] = [];
    const beginField = (r: number, key: string, keyCol: number, colon: number): void => {
      fields.push({
        key,
        keySpan: lines.span(starts(r) + keyCol, key.length),
        start: starts(r) + colon + 1,
        end: starts(r) + rows[r].length,
      });
    };
    beginField(first, m[2], keyIndent, m[0].length - 1);
    for (let r = first + 1; r < i; r++) {
      const km = /^([ \t]*)([A-Za-z_][\w-]*)[ \t]*:(?=\s|$)/.exec(rows[r]);
      if (km && FIELDS.has(km[2]) && km[1].length <= keyIndent + 1 && km[1].length >= 1) {
        beginField(r, km[2], km[1].length, km[0].length - 1);
      } else if (rows[r].trim() !== '' && !rows[r].trim().startsWith('#')) {
        const last = fields[fields.length - 1];
        fields[fields.length - 1] = { ...last, end: starts(r) + rows[r].length };
      }
    }
    try {
      const decl = buildDecl(source, text, lines, fields, problems);
      if (decl) decls.push(decl);
    } catch (err) {
      if (!isPeregrineError(err) || !err.span) throw err;
      problems.push({
        severity: 'error',
        code: err.code,
        message: err.message + (err.hint ? ` (${err.hint})` : ''),
        span: lines.span(err.span.offset, err.span.length ?? 1),
      });
    }
  }
  return deepFreeze({ kind: 'policy', source, decls, problems });
}

function buildDecl(
  source: string, text: string, lines: PolicyLines, fields: Field[], problems: LoadProblem[]): Decl | undefined {
  // The declaration's kind is its first kind-naming key (Falco files sometimes put `condition:` first).
  const head = fields.find((f) => DECL_KINDS.has(f.key) || IGNORED_DECLS.has(f.key)) ?? fields[0];
  const kind = head.key;
  const get = (k: string): Field | undefined => fields.find((f) => f.key === k);
  const value = (f: Field | undefined): string => (f ? scalar(text.slice(f.start, f.end)) : '');
  const declSpan: Span = head.keySpan;
  if (IGNORED_DECLS.has(kind)) return undefined;
  if (!DECL_KINDS.has(kind)) {
    problems.push({ severity: 'warning', code: 'W_POLICY_UNKNOWN_DECL', message: `unknown declaration '- ${kind}:' ignored`, span: declSpan });
    return undefined;
  }
  for (const f of fields) {
    const dup = fields.filter((g) => g.key === f.key);
    if (dup.length > 1 && dup[0] !== f) {
      problems.push({ severity: 'warning', code: 'W_POLICY_DUP_FIELD', message: `field '${f.key}' given twice; the first one counts`, span: f.keySpan });
    }
  }
  const name = value(head);
  const condition = (f: Field): Condition => {
    let src = blankComments(text, f.start, f.end);
    // Drop a block-scalar indicator (`>`, `|-` …) and bounding quotes, keeping offsets.
    const ind = /^([ \t]*)([>|][-+]?)[ \t]*(?=\n|$)/.exec(src);
    if (ind) src = ' '.repeat(ind[0].length) + src.slice(ind[0].length);
    const q = /^\s*(["'])([\s\S]*)\1\s*$/.exec(src);
    if (q) {
      const at = src.indexOf(q[1]);
      const close = src.lastIndexOf(q[1]);
      src = src.slice(0, at) + ' ' + src.slice(at + 1, close) + ' ' + src.slice(close + 1);
    }
    const root = parseCondition(src, f.start, lines, source);
    const lead = src.length - src.trimStart().length;
    return { text: src.trim().replace(/\s+/g, ' '), root, span: lines.span(f.start + lead, src.trim().length) };
  };
  const needCondition = (): Condition | undefined => {
    if (!get('condition')) {
      problems.push({ severity: 'error', code: 'E_POLICY_NO_CONDITION', message: `${kind} '${name}' has no condition`, span: declSpan });
      return undefined;
    }
    return condition(get('condition') as Field);
  };
  const list = (k: string): string[] => {
    const f = get(k);
    return f ? listItems(text, f.start, f.end, lines, problems).map((a) => a.text) : [];
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const f = get(k);
    if (!f) return dflt;
    const v = value(f).toLowerCase();
    if (v === 'true' || v === 'yes') return true;
    if (v === 'false' || v === 'no') return false;
    problems.push({ severity: 'warning', code: 'W_POLICY_BOOL', message: `'${k}: ${v}' is not true/false; using ${dflt}`, span: f.keySpan });
    return dflt;
  };
  const enabledField = get('enabled');
  const enabledText = enabledField ? { enabledText: value(enabledField) } : {};
  if (name === '') {
    problems.push({ severity: 'error', code: 'E_POLICY_NO_NAME', message: `${kind} without a name`, span: declSpan });
    return undefined;
  }
  const nameSpan = lines.span(head.start + (text.slice(head.start, head.end).length - text.slice(head.start, head.end).trimStart().length), name.length);
  switch (kind) {
    case 'list': {
      const f = get('items');
      if (!f) {
        problems.push({ severity: 'error', code: 'E_POLICY_NO_ITEMS', message: `list '${name}' has no items`, span: declSpan });
        return undefined;
      }
      return { kind: 'list', name, items: listItems(text, f.start, f.end, lines, problems), append: bool('append', false), span: nameSpan };
    }
    case 'macro': {
      const c = needCondition();
      return c && { kind: 'macro', name, condition: c, append: bool('append', false), span: nameSpan };
    }
    case 'filter':
    case 'drop': {
      const c = needCondition();
      return c && { kind: 'filter', name, condition: c, enabled: bool('enabled', true), ...enabledText, span: nameSpan };
    }
    default: {
      const c = needCondition();
      if (!c) return undefined;
      const actions = [...list('action'), ...list('actions')];
      const output = get('output') ? value(get('output')) : undefined;
      return {
        kind: 'rule',
        name,
        desc: value(get('desc')),
        condition: c,
        priority: value(get('priority')),
        tags: list('tags'),
        actions,
        prefilter: list('prefilter'),
        enabled: bool('enabled', true),
        ...enabledText,
        ...(output !== undefined ? { output } : {}),
        span: nameSpan,
      };
    }
  }
}
