/**
 * The `bundle` connector: STIX 2.0/2.1 bundles from files (`file://…`, bare paths) and http(s) URLs, several at once
 * (comma-separated), streamed. The registry dispatches every non-profile URI here.
 */
import type { Connector } from '../types.ts';
import { BundleSource } from './source.ts';

export const bundleConnector: Connector = {
  name: 'bundle',
  description: 'STIX 2.0/2.1 bundles from files or http(s) URLs, streamed and matched locally',
  open: (uri: string) => new BundleSource(uri),
};

export { BundleSource, splitUris } from './source.ts';
export { readBundle, readBundleBatches, type ReadOptions } from './reader.ts';
export { parseLocation, type BundleLocation } from '../files/location.ts';
export { BundleScanner, ScanError, type RawElement } from './json-scanner.ts';
export { NO_TIME } from '../../stix/observation.ts';
export { locateJsonError, type JsonProblem } from '../files/json-locate.ts';
