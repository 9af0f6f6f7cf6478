/**
 * What the kernel tells front ends about itself and the language (kernel_info_reply), and the kernelspec constants.
 * Names follow Kestrel's kernel so existing huntbooks (`"language": "kestrel"`) open with Peregrine unchanged.
 */
import { PROTOCOL_VERSION } from './message.ts';

export const KERNEL_NAME = 'peregrine';
export const DISPLAY_NAME = 'Peregrine (Kestrel huntflows)';
export const LANGUAGE = 'kestrel';
export const IMPLEMENTATION_VERSION = '0.1.0';

/** The `language_info` of kernel_info_reply; `codemirror_mode` names the mode `kernel.js` defines (see highlight.ts). */
export const LANGUAGE_INFO = {
  name: LANGUAGE,
  version: '1.x',
  mimetype: 'text/x-kestrel',
  file_extension: '.hf',
  codemirror_mode: 'kestrel',
  pygments_lexer: 'kestrel',
} as const;

export function kernelInfoContent(): Record<string, unknown> {
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'peregrine',
    implementation_version: IMPLEMENTATION_VERSION,
    language_info: LANGUAGE_INFO,
    banner: `Peregrine ${IMPLEMENTATION_VERSION} — Kestrel 1.x huntflows (GET, FIND, GROUP, JOIN, SORT, DISP, …)`,
    help_links: [],
    debugger: false,
  };
}
