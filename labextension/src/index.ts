/**
 * The JupyterLab 4 / Notebook 7 plugin: registers the `kestrel` language (the kernel's `codemirror_mode` and MIME
 * type `text/x-kestrel`) with the editor language registry, so huntbook cells and `.hf` files are highlighted.
 * Completion and inspect are the kernel's (Tab, Shift-Tab); nothing here replaces them.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { huntflow } from './language.ts';

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@peregrine/jupyterlab-kestrel:language',
  description: 'Kestrel huntflow syntax highlighting (Peregrine)',
  autoStart: true,
  requires: [IEditorLanguageRegistry],
  activate: (app: JupyterFrontEnd, languages: IEditorLanguageRegistry) => {
    languages.addLanguage({
      name: 'kestrel',
      displayName: 'Kestrel huntflow',
      alias: ['huntflow'],
      mime: 'text/x-kestrel',
      extensions: ['hf'],
      load: async () => huntflow(),
    });
    app.docRegistry.addFileType({
      name: 'huntflow',
      displayName: 'Kestrel huntflow',
      extensions: ['.hf'],
      mimeTypes: ['text/x-kestrel'],
    });
  },
};

export default plugin;
