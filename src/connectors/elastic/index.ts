/**
 * The `elastic_ecs` connector: `stixshifter://NAME` profiles on Elasticsearch or OpenSearch holding ECS documents.
 * `src/connectors/index.ts` registers it.
 */
import type { Connector } from '../types.ts';
import { elasticSettings } from './settings.ts';
import { ElasticDataSource } from './source.ts';

export {
  ElasticClient,
  errorReason,
  retryDelay,
  type RequestParams,
  type RequestOptions,
  type RetryPolicy,
} from './client.ts';
export {
  isTransient,
  sendBulk,
  type BulkItemAnswer,
  type BulkSendOptions,
  type BulkSendResult,
  type Undelivered,
} from './bulk.ts';
export { elasticSettings, nodeSettings, type ElasticSettings, type ElasticAuth } from './settings.ts';
export { ElasticDataSource } from './source.ts';
export { pullHits, type Hit, type PullOptions, type PullStrategy } from './pull.ts';
export { observationId, uuidFromName } from './ids.ts';

export const elasticConnector: Connector = {
  name: 'elastic_ecs',
  description: 'Elasticsearch / OpenSearch indices of ECS documents (STIX-shifter elastic_ecs profiles)',
  open(uri, profile) {
    if (!profile) throw new Error('elastic_ecs needs a profile');
    return new ElasticDataSource(uri, elasticSettings(profile));
  },
};
