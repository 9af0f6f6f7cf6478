/** Escaping untrusted text for HTML, SVG and XML: element content and quoted attribute values. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Markup characters escaped, and characters XML 1.0 forbids (C0 controls but tab and newline, DEL, lone
 * surrogates, U+FFFE/U+FFFF) replaced by U+FFFD — so that no value an attacker wrote (an address, a process name, a
 * command line) can leave its element or attribute, or make an SVG document unreadable.
 */
export function escapeMarkup(v: unknown): string {
  const s = String(v ?? '');
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x80) {
      if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27) rep = ESCAPES[s[i]!];
      else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) rep = '\ufffd';
    } else if (c === 0xfffe || c === 0xffff) rep = '\ufffd';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else rep = '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) rep = '\ufffd';
    if (rep === undefined) continue;
    out += s.slice(from, i) + rep;
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}
