/**
 * Where a file data source reads from: a file (`file://…`, a bare path) or an http(s) URL, and the positioned error
 * when a file is not there. Shared by every reader of locations (STIX bundles, Windows events, zips).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../errors/index.ts';

export type BundleLocation =
  | { readonly kind: 'file'; readonly uri: string; readonly path: string }
  | { readonly kind: 'http'; readonly uri: string; readonly url: string };

/** Parses one URI of a bundle source: `file://…`, `http(s)://…` or a bare path (relative to the working dir). */
export function parseLocation(uri: string): BundleLocation {
  const u = uri.trim();
  if (/^https?:\/\//i.test(u)) return { kind: 'http', uri: u, url: u };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'file') {
    throw new InputError('E_UNKNOWN_SCHEME', `unknown data source scheme "${scheme}://" in ${u}`, {
      hint: 'data sources are stixshifter://NAME (a profile), file:///path/bundle.json, a path, or http(s)://host/bundle.json',
    });
  }
  if (/^file:\/\//i.test(u)) {
    const rest = u.slice('file://'.length);
    // file:///abs/path and file://localhost/abs/path are URLs; file://relative/path is taken as a relative path.
    if (rest.startsWith('/') || rest.toLowerCase().startsWith('localhost/')) {
      return { kind: 'file', uri: u, path: fileURLToPath(u.replace(/^file:\/\/localhost\//i, 'file:///')) };
    }
    return { kind: 'file', uri: u, path: resolve(decodeURIComponent(rest)) };
  }
  return { kind: 'file', uri: u, path: isAbsolute(u) ? u : resolve(u) };
}

/** Throws a positioned InputError when a file location does not exist or is not a file. */
export function checkLocation(loc: BundleLocation): void {
  if (loc.kind !== 'file') return;
  let st;
  try {
    st = statSync(loc.path);
  } catch {
    throw new InputError('E_BUNDLE_NOT_FOUND', `bundle file not found: ${loc.path}`, {
      hint:
        isAbsolute(loc.uri) || /^file:\/\/(localhost)?\//i.test(loc.uri)
          ? existsSync(dirname(loc.path))
            ? `${dirname(loc.path)} has no file named ${basename(loc.path)}; check the name`
            : `the folder ${dirname(loc.path)} does not exist; check the path`
          : loc.uri === loc.path || !loc.uri.startsWith('file:')
            ? `relative paths are resolved from ${process.cwd()}; check the name or give an absolute path`
            : `${loc.uri} names ${loc.path}; check the path (file:///absolute/path for an absolute one)`,
    });
  }
  if (!st.isFile()) {
    throw new InputError('E_BUNDLE_NOT_FOUND', `not a file: ${loc.path}`, {
      hint: 'give the path of a STIX bundle (.json) file',
    });
  }
}
