/**
 * Finds where a JSON text goes wrong. Only used after `JSON.parse` failed (V8's messages carry no reliable
 * position), so it favours clarity over speed.
 */
export interface JsonProblem {
  /** Offset (UTF-16 code units) into the text. */
  readonly offset: number;
  readonly message: string;
}

export function locateJsonError(text: string): JsonProblem {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message } satisfies JsonProblem;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const found = (): string => (i >= text.length ? 'the end of the element' : `'${text[i]}'`);
  const lit = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${found()}`);
  };
  const str = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\n') fail('line break inside a string');
      if (c < ' ')
        fail(
          `control character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} inside a string`,
        );
      if (c === '\\') {
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape');
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e) || e === '') fail(`bad escape '\\${e}'`);
        i += 2;
        continue;
      }
      i++;
    }
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail(`unexpected ${found()}`);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a member name in double quotes, found ${found()}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected ':', found ${found()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}', found ${found()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']', found ${found()}`);
      }
    }
    if (c === '"') return str();
    if (c === 't') return lit('true');
    if (c === 'f') return lit('false');
    if (c === 'n') return lit('null');
    return num();
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${found()} after the value`);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'offset' in e) return e as JsonProblem;
    throw e;
  }
  return { offset: text.length, message: 'invalid JSON' };
}

/** 1-based line and col of `offset` in `text`, given that `text` starts at `line`:`col` of its file. */
export function positionIn(
  text: string,
  offset: number,
  line: number,
  col: number,
): { line: number; col: number } {
  let l = line;
  let c = col;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      l++;
      c = 1;
    } else {
      c++;
    }
  }
  return { line: l, col: c };
}
