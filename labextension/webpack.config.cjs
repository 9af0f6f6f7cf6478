// Merged into @jupyterlab/builder's webpack configuration. Module ids by order instead of by a hash of the module's
// identifier: the federation container's identifier holds the absolute path of the checkout, so hashed ids would
// make the committed bundle differ between checkouts (build.js --check compares a fresh build with prebuilt/).
module.exports = { optimization: { moduleIds: 'natural' } };
