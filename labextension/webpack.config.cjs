// Merged into @jupyterlab/builder's webpack configuration.
// - Module ids by order instead of by a hash of the module's identifier: the federation container's identifier holds
//   the absolute path of the checkout, so hashed ids would make the committed bundle differ between checkouts
//   (build.js --check compares a fresh build with prebuilt/).
// - Peregrine's modules have no side effects on import, so re-exports the highlighter does not use are dropped
//   (src/common/index.ts re-exports helpers that import Node-side packages; the bundle takes LineIndex alone).
module.exports = {
  optimization: { moduleIds: 'natural', sideEffects: true },
  module: { rules: [{ test: /[\\/]lib[\\/]src[\\/].*\.js$/, sideEffects: false }] },
};
