/**
 * `event.category`, `event.type` and `event.action` of each SysFlow record (table in docs/sysflow-ecs.md): ECS
 * categories and types only, arrays as ECS 8 defines them.
 */
import { OpFlag, type EventRecord } from '../records/index.ts';

export function has(flags: number, bit: number): boolean {
  return (flags & bit) !== 0;
}

/** `event.category`, `event.type`, `event.action` of a record. */
export function classify(r: EventRecord): { category: string[]; type: string[]; action: string } {
  switch (r.kind) {
    case 'ProcessEvent': {
      const f = r.opFlags;
      if (has(f, OpFlag.EXIT)) return { category: ['process'], type: ['end'], action: 'process-exit' };
      if (has(f, OpFlag.EXEC)) return { category: ['process'], type: ['start'], action: 'process-exec' };
      if (has(f, OpFlag.CLONE)) return { category: ['process'], type: ['start'], action: 'process-clone' };
      if (has(f, OpFlag.SETUID))
        return { category: ['process', 'iam'], type: ['change'], action: 'process-setuid' };
      if (has(f, OpFlag.SETNS)) return { category: ['process'], type: ['change'], action: 'process-setns' };
      return { category: ['process'], type: ['info'], action: 'process-event' };
    }
    case 'ProcessFlow':
      return { category: ['process'], type: ['info'], action: 'process-threads' };
    case 'FileFlow': {
      const wrote = has(r.opFlags, OpFlag.WRITE_SEND) && (r.numWSendBytes > 0 || r.numWSendOps > 0);
      const read = has(r.opFlags, OpFlag.READ_RECV) && (r.numRRecvBytes > 0 || r.numRRecvOps > 0);
      const type = ['access'];
      if (wrote || has(r.opFlags, OpFlag.TRUNCATE)) type.push('change');
      return {
        category: ['file'],
        type,
        action: `file-access${read ? '-read' : ''}${wrote ? '-write' : ''}`,
      };
    }
    case 'FileEvent': {
      const f = r.opFlags;
      if (has(f, OpFlag.MKDIR)) return { category: ['file'], type: ['creation'], action: 'directory-create' };
      if (has(f, OpFlag.RMDIR)) return { category: ['file'], type: ['deletion'], action: 'directory-delete' };
      if (has(f, OpFlag.UNLINK)) return { category: ['file'], type: ['deletion'], action: 'file-delete' };
      if (has(f, OpFlag.SYMLINK)) return { category: ['file'], type: ['creation'], action: 'file-symlink' };
      if (has(f, OpFlag.LINK)) return { category: ['file'], type: ['creation'], action: 'file-link' };
      if (has(f, OpFlag.RENAME)) return { category: ['file'], type: ['change'], action: 'file-rename' };
      return { category: ['file'], type: ['change'], action: 'file-change' };
    }
    case 'NetworkFlow':
    case 'NetworkEvent': {
      const f = r.opFlags;
      const type = ['connection'];
      if (has(f, OpFlag.CONNECT) || has(f, OpFlag.ACCEPT)) type.push('start');
      if (has(f, OpFlag.CLOSE) || has(f, OpFlag.SHUTDOWN)) type.push('end');
      const action = has(f, OpFlag.CONNECT)
        ? 'network-connect'
        : has(f, OpFlag.ACCEPT)
          ? 'network-accept'
          : r.kind === 'NetworkFlow'
            ? 'network-traffic'
            : 'network-event';
      return { category: ['network'], type, action };
    }
    case 'K8sEvent': {
      const a = r.action;
      const type =
        a === 'K8S_COMPONENT_ADDED'
          ? ['creation']
          : a === 'K8S_COMPONENT_MODIFIED'
            ? ['change']
            : a === 'K8S_COMPONENT_DELETED'
              ? ['deletion']
              : ['info'];
      return {
        category: ['configuration'],
        type,
        action: `k8s-${r.k8sKind.replace(/^K8S_/, '').toLowerCase()}-${a.replace(/^K8S_COMPONENT_/, '').toLowerCase()}`,
      };
    }
  }
}
