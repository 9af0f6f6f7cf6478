/**
 * Registers every connector with the registry. Import this module once (the CLI and the runtime do) before calling
 * `openSource`. Each connector adds its own import and `registerConnector` line here.
 */
import { registerConnector } from './registry.ts';
import { bundleConnector } from './bundle/index.ts';
import { elasticConnector } from './elastic/index.ts';
import { localConnector } from './local/index.ts';

registerConnector(bundleConnector);
registerConnector(elasticConnector);
registerConnector(localConnector);

export {
  openSource,
  listConnectors,
  getConnector,
  registerConnector,
  type OpenSourceOptions,
  type ProfileResolver,
} from './registry.ts';
