/** SysFlow → ECS: documents, their idempotent ids, the index template. Mapping documented in docs/sysflow-ecs.md. */
export { toEcs, type EcsDocument } from './document.ts';
export { classify } from './classify.ts';
export { documentId } from './id.ts';
export { indexTemplate } from './template.ts';
export { communityId } from './community-id.ts';
