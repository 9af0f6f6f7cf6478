/** True when `s` is made only of the base64 alphabet (`A–Z a–z 0–9 + / =`), as encoded payloads are. */
export function isBase64Text(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2b ||
      c === 0x2f ||
      c === 0x3d;
    if (!ok) return false;
  }
  return true;
}
