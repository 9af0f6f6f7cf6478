/** Linux open(2) flags by name, as strace and sysdig print them (`O_RDONLY|O_CLOEXEC`). */
const LINUX_O_FLAGS: Readonly<Record<string, number>> = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DSYNC: 0o10000,
  O_DIRECT: 0o40000,
  O_LARGEFILE: 0o100000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_CLOEXEC: 0o2000000,
  O_SYNC: 0o4010000,
  O_PATH: 0o10000000,
  O_TMPFILE: 0o20200000,
};

/** Numeric Linux flags of `O_A|O_B|0600`-style text; unknown names count as 0, octal numbers as themselves. */
export function parseLinuxOpenFlags(text: string): number {
  let f = 0;
  for (const part of text.split('|')) {
    const p = part.trim();
    f |= LINUX_O_FLAGS[p] ?? (/^0\d+$/.test(p) ? parseInt(p, 8) : 0);
  }
  return f;
}
