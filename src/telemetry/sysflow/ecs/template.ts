/**
 * The index template installed before the first bulk request: the types ECS gives the fields SysFlow documents
 * carry (nanosecond dates, IPs, longs, keywords), with every other string a keyword. Matches
 * `<prefix>-alerts` and `<prefix>-events` of one exporter prefix (e.g. `container1-sysflow-*`).
 */
const kw = { type: 'keyword', ignore_above: 1024 };
const text = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } };
const dateNs = { type: 'date_nanos' };
const long = { type: 'long' };
const int = { type: 'integer' };
const ip = { type: 'ip' };

const processProps = {
  pid: long,
  entity_id: kw,
  executable: kw,
  name: kw,
  args: kw,
  args_count: long,
  command_line: text,
  working_directory: kw,
  start: dateNs,
  interactive: { type: 'boolean' },
  thread: { properties: { id: long } },
};

export const ECS_MAPPINGS = {
  dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: kw } }],
  properties: {
    '@timestamp': dateNs,
    ecs: { properties: { version: kw } },
    agent: { properties: { type: kw } },
    tags: kw,
    event: {
      properties: {
        kind: kw,
        module: kw,
        category: kw,
        type: kw,
        action: kw,
        start: dateNs,
        end: dateNs,
        duration: long,
        severity: long,
        reason: text,
        sf_type: kw,
        sf_ret: int,
      },
    },
    host: { properties: { name: kw, id: kw, ip } },
    container: {
      properties: {
        id: kw,
        name: kw,
        runtime: kw,
        sf_privileged: { type: 'boolean' },
        image: { properties: { name: kw, id: kw, tag: kw } },
      },
    },
    orchestrator: {
      properties: { type: kw, namespace: kw, resource: { properties: { type: kw, name: kw, id: kw } } },
    },
    process: {
      properties: {
        ...processProps,
        parent: {
          properties: {
            ...processProps,
            user: { properties: { id: kw, name: kw, group: { properties: { id: kw, name: kw } } } },
          },
        },
      },
    },
    user: { properties: { id: kw, name: kw, group: { properties: { id: kw, name: kw } } } },
    file: { properties: { path: kw, name: kw, directory: kw, extension: kw, type: kw, target_path: kw } },
    source: { properties: { ip, address: kw, port: long, bytes: long, packets: long } },
    destination: { properties: { ip, address: kw, port: long, bytes: long, packets: long } },
    network: {
      properties: { transport: kw, iana_number: kw, type: kw, bytes: long, packets: long, community_id: kw },
    },
    rule: { properties: { name: kw, description: text } },
    threat: {
      properties: {
        framework: kw,
        technique: { properties: { id: kw, name: kw, reference: kw } },
        tactic: { properties: { name: kw } },
      },
    },
    sf_file_action: {
      properties: { bytes_read: long, read_ops: long, bytes_written: long, write_ops: long },
    },
    sysflow: {
      properties: {
        type: kw,
        source: kw,
        opflags: kw,
        opflags_mask: long,
        args: kw,
        node: { properties: { id: kw, ip: kw, schema_version: long } },
        proc: { properties: { entry: { type: 'boolean' }, anames: kw } },
        file: { properties: { fd: long, openflags: kw, type: kw, oid: kw, new_oid: kw } },
        flow: { properties: { rbytes: long, rops: long, wbytes: long, wops: long } },
        threads: { properties: { cloned: long, exited: long, clone_errors: long } },
        ke: { properties: { kind: kw, action: kw, message: { type: 'text', index: false } } },
        rules: { properties: { name: kw, priority: kw, tags: kw } },
      },
    },
  },
} as const;

/** The composable index template body for indices named `<prefix>-*`. */
export function indexTemplate(prefix: string): Record<string, unknown> {
  return {
    index_patterns: [`${prefix}-*`],
    priority: 200,
    template: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: ECS_MAPPINGS },
    _meta: { description: 'Peregrine SysFlow ECS documents', ecs_version: '8.11.0' },
  };
}
