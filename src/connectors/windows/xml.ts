/**
 * Windows Event XML (`<Event xmlns=…><System>…</System><EventData><Data Name="…">…</Data>…</EventData></Event>`)
 * read into the same tree EVTX-to-JSON converters write (`#attributes`, `#text`, repeated elements as arrays), so
 * one function (`fromEventJson`) flattens both. Only what event XML uses is understood: elements, attributes,
 * text, the five predefined entities and character references, comments and processing instructions (skipped).
 */

type Node = Record<string, unknown>;

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/** Thrown on text that is not well-formed event XML; `offset` is where it goes wrong. */
export class XmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses one XML document into `{ rootName: tree }`. */
export function parseEventXml(xml: string): Node {
  let i = 0;
  const n = xml.length;
  const skipMisc = (): void => {
    for (;;) {
      while (i < n && /\s/.test(xml[i])) i++;
      if (xml.startsWith('<?', i)) {
        const e = xml.indexOf('?>', i);
        if (e < 0) throw new XmlError('unterminated processing instruction', i);
        i = e + 2;
      } else if (xml.startsWith('<!--', i)) {
        const e = xml.indexOf('-->', i);
        if (e < 0) throw new XmlError('unterminated comment', i);
        i = e + 3;
      } else return;
    }
  };
  const name = (): string => {
    const m = /^[A-Za-z_:][-A-Za-z0-9_:.]*/.exec(xml.slice(i, i + 256));
    if (!m) throw new XmlError('expected a name', i);
    i += m[0].length;
    return m[0];
  };
  const element = (): [string, unknown] => {
    if (xml[i] !== '<') throw new XmlError("expected '<'", i);
    i++;
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      while (i < n && /\s/.test(xml[i])) i++;
      if (xml.startsWith('/>', i)) {
        i += 2;
        return [tag, Object.keys(attributes).length ? { '#attributes': attributes } : null];
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const a = name();
      while (i < n && /\s/.test(xml[i])) i++;
      if (xml[i] !== '=') throw new XmlError(`expected '=' after attribute ${a}`, i);
      i++;
      while (i < n && /\s/.test(xml[i])) i++;
      const q = xml[i];
      if (q !== '"' && q !== "'") throw new XmlError('expected a quoted attribute value', i);
      const e = xml.indexOf(q, i + 1);
      if (e < 0) throw new XmlError('unterminated attribute value', i);
      attributes[a] = decode(xml.slice(i + 1, e));
      i = e + 1;
    }
    const children: Node = {};
    let textOut = '';
    let hasChild = false;
    for (;;) {
      if (i >= n) throw new XmlError(`element <${tag}> is not closed`, i);
      if (xml.startsWith('</', i)) {
        i += 2;
        const close = name();
        if (close !== tag) throw new XmlError(`</${close}> closes <${tag}>`, i);
        while (i < n && /\s/.test(xml[i])) i++;
        if (xml[i] !== '>') throw new XmlError("expected '>'", i);
        i++;
        break;
      }
      if (xml.startsWith('<!--', i)) {
        const e = xml.indexOf('-->', i);
        if (e < 0) throw new XmlError('unterminated comment', i);
        i = e + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const e = xml.indexOf(']]>', i);
        if (e < 0) throw new XmlError('unterminated CDATA section', i);
        textOut += xml.slice(i + 9, e);
        i = e + 3;
        continue;
      }
      if (xml[i] === '<') {
        const [k, v] = element();
        hasChild = true;
        const prev = children[k];
        if (prev === undefined) children[k] = v;
        else if (Array.isArray(prev)) prev.push(v);
        else children[k] = [prev, v];
        continue;
      }
      const e = xml.indexOf('<', i);
      textOut += decode(xml.slice(i, e < 0 ? n : e));
      i = e < 0 ? n : e;
    }
    const hasAttrs = Object.keys(attributes).length > 0;
    const t = hasChild ? textOut.trim() : textOut;
    if (!hasChild && !hasAttrs) return [tag, t];
    const node: Node = hasAttrs ? { '#attributes': attributes } : {};
    Object.assign(node, children);
    if (t !== '') node['#text'] = t;
    return [tag, node];
  };
  skipMisc();
  const [root, tree] = element();
  skipMisc();
  if (i < n) throw new XmlError('text after the root element', i);
  return { [root]: tree };
}
