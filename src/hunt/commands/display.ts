/** What commands show: plain data the CLI, the REPL and the Jupyter kernel render alike (`src/render/`). */

/** What a command shows: a table (DISP, GROUP results, INFO, DESCRIBE) or text (EXPLAIN). */
export type Display =
  | {
      readonly kind: 'table';
      readonly title?: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly unknown[])[];
    }
  | { readonly kind: 'text'; readonly title?: string; readonly text: string };
