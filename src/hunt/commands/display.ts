/** What commands show: plain data the CLI, the REPL and the Jupyter kernel render alike (`src/render/`). */
import type { GraphicDisplay } from '../../analytics/index.ts';

/**
 * What a command shows: a table (DISP, GROUP results, INFO, DESCRIBE), text (EXPLAIN), or a graphic an analytic
 * drew (APPLY: HTML, SVG, PNG, Vega-Lite, Markdown).
 */
export type Display =
  | {
      readonly kind: 'table';
      readonly title?: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly unknown[])[];
    }
  | { readonly kind: 'text'; readonly title?: string; readonly text: string }
  | GraphicDisplay;
