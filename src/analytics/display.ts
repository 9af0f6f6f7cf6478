/**
 * What an analytic shows beside the attributes it sets: HTML, SVG, PNG, Vega-Lite, Markdown (and the plain text
 * and table displays every command has). Plain data, rendered alike by the CLI (files), the REPL (files) and the
 * Jupyter kernel (MIME bundles). Every graphic display carries `text`: a plain-text twin for terminals, logs and
 * Jupyter's `text/plain`.
 *
 * Whatever an attacker controls (addresses, names, command lines) is escaped by the analytic that writes the
 * markup (`escapeMarkup` of src/common); `text` is escaped for terminals by the renderers like every other cell.
 */

export type GraphicDisplay =
  | { readonly kind: 'html'; readonly title?: string; readonly html: string; readonly text: string }
  | { readonly kind: 'svg'; readonly title?: string; readonly svg: string; readonly text: string }
  /** `png`: the image, base64 without line breaks. */
  | { readonly kind: 'png'; readonly title?: string; readonly png: string; readonly text: string }
  /** `spec`: a Vega-Lite v5 spec with its data inline. */
  | {
      readonly kind: 'vega-lite';
      readonly title?: string;
      readonly spec: Readonly<Record<string, unknown>>;
      readonly text: string;
    }
  | { readonly kind: 'markdown'; readonly title?: string; readonly markdown: string };

export type GraphicKind = GraphicDisplay['kind'];

/** The file extension and MIME type of each graphic kind (Vega-Lite: the spec's JSON; `peregrine run` adds an SVG). */
export const GRAPHIC_FILES: {
  readonly [K in GraphicKind]: { readonly extension: string; readonly mime: string };
} = {
  html: { extension: 'html', mime: 'text/html' },
  svg: { extension: 'svg', mime: 'image/svg+xml' },
  png: { extension: 'png', mime: 'image/png' },
  'vega-lite': { extension: 'vl.json', mime: 'application/vnd.vegalite.v5+json' },
  markdown: { extension: 'md', mime: 'text/markdown' },
};

export function isGraphic(d: { readonly kind: string }): d is GraphicDisplay {
  return Object.hasOwn(GRAPHIC_FILES, d.kind);
}
