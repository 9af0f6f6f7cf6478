/**
 * Public face of `src/jupyter/`: the Jupyter kernel (protocol 5.3 over ZeroMQ) and its kernelspec installer.
 */
export { runKernel } from './kernel.ts';
export {
  installKernelSpec,
  kernelDir,
  kernelSpec,
  labextensionDir,
  LABEXTENSION_NAME,
  type InstallTarget,
} from './install.ts';
export { parseConnection, readConnectionFile, type ConnectionInfo } from './connection.ts';
export { kernelInfoContent, LANGUAGE_INFO, KERNEL_NAME, DISPLAY_NAME } from './language.ts';
