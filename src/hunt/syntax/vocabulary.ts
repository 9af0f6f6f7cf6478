/**
 * The words of the Kestrel 1.x language as data: commands, clause keywords, relations and the entity-type pairs they
 * apply to, entity types with their common attributes, transforms, aggregate functions and time units. The parser,
 * the runtime's semantic checks (H3) and completion (H8) all read these tables, so they never disagree.
 */
import type { AggregateFunction, RelationName, TimeUnit, Transform } from './ast.ts';

/** Commands that may start a statement (after an optional `x =` for those that yield a variable). */
export const COMMANDS = [
  'GET',
  'FIND',
  'GROUP',
  'JOIN',
  'SORT',
  'LOAD',
  'SAVE',
  'NEW',
  'APPLY',
  'DISP',
  'INFO',
  'DESCRIBE',
  'EXPLAIN',
] as const;
export type Command = (typeof COMMANDS)[number];

/** Commands that yield a variable and so may follow `x =` (the rest stand alone). */
export const COMMANDS_WITH_RESULT: readonly Command[] = [
  'GET',
  'FIND',
  'GROUP',
  'JOIN',
  'SORT',
  'LOAD',
  'NEW',
];
export const COMMANDS_WITHOUT_RESULT: readonly Command[] = [
  'SAVE',
  'APPLY',
  'DISP',
  'INFO',
  'DESCRIBE',
  'EXPLAIN',
];

/** Every reserved word of the language other than the commands (case-insensitive in huntflows). */
export const KEYWORDS = [
  'FROM',
  'WHERE',
  'START',
  'STOP',
  'LAST',
  'LIMIT',
  'OFFSET',
  'DEPTH',
  'ATTR',
  'BY',
  'ASC',
  'DESC',
  'WITH',
  'AS',
  'ON',
  'TO',
  'BIN',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
  'IS',
  'NULL',
  'EXISTS',
  'FOLLOWEDBY',
  'WITHIN',
  'REPEATS',
  'TIMES',
  'SECONDS',
] as const;

export const TRANSFORMS: readonly Transform[] = ['TIMESTAMPED', 'ADDOBSID', 'RECORDS'];

export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = [
  'MIN',
  'MAX',
  'SUM',
  'AVG',
  'COUNT',
  'NUNIQUE',
];

/** Spellings of each time unit accepted after LAST n and inside BIN (Kestrel accepts plural, singular, one letter). */
export const TIME_UNITS: Readonly<Record<TimeUnit, readonly string[]>> = {
  DAYS: ['DAYS', 'DAY', 'D'],
  HOURS: ['HOURS', 'HOUR', 'H'],
  MINUTES: ['MINUTES', 'MINUTE', 'M'],
  SECONDS: ['SECONDS', 'SECOND', 'S'],
};

/** Canonical unit of a spelling (any case), or undefined. */
export function timeUnitOf(word: string): TimeUnit | undefined {
  const w = word.toUpperCase();
  for (const [unit, spellings] of Object.entries(TIME_UNITS) as [TimeUnit, readonly string[]][]) {
    if (spellings.includes(w)) return unit;
  }
  return undefined;
}

/** Seconds per unit, for LAST n unit and BIN(…, n unit). */
export const TIME_UNIT_SECONDS: Readonly<Record<TimeUnit, number>> = {
  DAYS: 86400,
  HOURS: 3600,
  MINUTES: 60,
  SECONDS: 1,
};

export const RELATIONS: readonly RelationName[] = [
  'CREATED',
  'ACCEPTED',
  'CONTAINED',
  'LOADED',
  'OWNED',
  'LINKED',
];

/**
 * One directed relation `subject RELATION object` (STIX 2.0 references, as Kestrel 1.x maps them):
 * `FIND subject RELATION objVar` returns subjects of the objects in `objVar`; `FIND object RELATION BY subjVar`
 * returns objects of the subjects in `subjVar`. `subjectRefs` are reference attributes on the subject pointing to the
 * object, `objectRefs` reference attributes on the object pointing to the subject (`[*]` lists end in `_refs`).
 */
export interface RelationEdge {
  readonly subject: string;
  readonly relation: RelationName | null;
  readonly object: string;
  readonly subjectRefs: readonly string[];
  readonly objectRefs: readonly string[];
}

/**
 * The relation table. `relation: null` edges have no specific name and are reachable only through LINKED, which is
 * undirected and covers every edge between the two types in either direction.
 */
export const RELATION_EDGES: readonly RelationEdge[] = [
  {
    subject: 'file',
    relation: 'CONTAINED',
    object: 'artifact',
    subjectRefs: ['content_ref'],
    objectRefs: [],
  },
  {
    subject: 'directory',
    relation: 'CONTAINED',
    object: 'directory',
    subjectRefs: ['contains_refs'],
    objectRefs: ['contains_refs'],
  },
  {
    subject: 'directory',
    relation: 'CONTAINED',
    object: 'file',
    subjectRefs: ['contains_refs'],
    objectRefs: ['parent_directory_ref'],
  },
  {
    subject: 'user-account',
    relation: 'OWNED',
    object: 'email-addr',
    subjectRefs: [],
    objectRefs: ['belongs_to_ref'],
  },
  {
    subject: 'email-addr',
    relation: 'CREATED',
    object: 'email-message',
    subjectRefs: [],
    objectRefs: ['from_ref', 'sender_ref'],
  },
  {
    subject: 'email-addr',
    relation: 'ACCEPTED',
    object: 'email-message',
    subjectRefs: [],
    objectRefs: ['to_refs', 'cc_refs', 'bcc_refs'],
  },
  {
    subject: 'email-message',
    relation: null,
    object: 'artifact',
    subjectRefs: ['raw_email_ref', 'body_raw_ref'],
    objectRefs: [],
  },
  { subject: 'email-message', relation: null, object: 'file', subjectRefs: ['body_raw_ref'], objectRefs: [] },
  {
    subject: 'autonomous-system',
    relation: 'OWNED',
    object: 'ipv4-addr',
    subjectRefs: [],
    objectRefs: ['belongs_to_refs'],
  },
  {
    subject: 'autonomous-system',
    relation: 'OWNED',
    object: 'ipv6-addr',
    subjectRefs: [],
    objectRefs: ['belongs_to_refs'],
  },
  {
    subject: 'ipv4-addr',
    relation: 'CREATED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['src_ref'],
  },
  {
    subject: 'ipv6-addr',
    relation: 'CREATED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['src_ref'],
  },
  {
    subject: 'mac-addr',
    relation: 'CREATED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['src_ref'],
  },
  {
    subject: 'domain-name',
    relation: 'CREATED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['src_ref'],
  },
  {
    subject: 'artifact',
    relation: 'CREATED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['src_payload_ref'],
  },
  {
    subject: 'mac-addr',
    relation: null,
    object: 'ipv4-addr',
    subjectRefs: [],
    objectRefs: ['resolves_to_refs'],
  },
  {
    subject: 'mac-addr',
    relation: null,
    object: 'ipv6-addr',
    subjectRefs: [],
    objectRefs: ['resolves_to_refs'],
  },
  {
    subject: 'ipv4-addr',
    relation: 'ACCEPTED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['dst_ref'],
  },
  {
    subject: 'ipv6-addr',
    relation: 'ACCEPTED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['dst_ref'],
  },
  {
    subject: 'mac-addr',
    relation: 'ACCEPTED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['dst_ref'],
  },
  {
    subject: 'domain-name',
    relation: 'ACCEPTED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['dst_ref'],
  },
  {
    subject: 'artifact',
    relation: 'ACCEPTED',
    object: 'network-traffic',
    subjectRefs: [],
    objectRefs: ['dst_payload_ref'],
  },
  {
    subject: 'network-traffic',
    relation: 'CONTAINED',
    object: 'network-traffic',
    subjectRefs: ['encapsulated_by_ref'],
    objectRefs: ['encapsulated_by_ref'],
  },
  {
    subject: 'process',
    relation: 'CREATED',
    object: 'network-traffic',
    subjectRefs: ['opened_connection_refs'],
    objectRefs: [],
  },
  {
    subject: 'user-account',
    relation: 'OWNED',
    object: 'process',
    subjectRefs: [],
    objectRefs: ['creator_user_ref'],
  },
  { subject: 'process', relation: 'LOADED', object: 'file', subjectRefs: ['binary_ref'], objectRefs: [] },
  { subject: 'process', relation: 'CREATED', object: 'process', subjectRefs: [], objectRefs: ['parent_ref'] },
];

/**
 * The edges a `FIND returnType RELATION [BY] inputType` uses, each with the side the returned entities sit on.
 * LINKED matches every edge between the two types, in both directions. Empty = the relation does not apply
 * (a semantic error for the runtime to report, listing {@link relationsBetween}).
 */
export function edgesFor(
  returnType: string,
  relation: RelationName,
  reversed: boolean,
  inputType: string,
): { edge: RelationEdge; returnIsSubject: boolean }[] {
  const out: { edge: RelationEdge; returnIsSubject: boolean }[] = [];
  for (const edge of RELATION_EDGES) {
    if (relation === 'LINKED') {
      if (edge.subject === returnType && edge.object === inputType) out.push({ edge, returnIsSubject: true });
      else if (edge.object === returnType && edge.subject === inputType)
        out.push({ edge, returnIsSubject: false });
    } else if (edge.relation === relation) {
      if (!reversed && edge.subject === returnType && edge.object === inputType)
        out.push({ edge, returnIsSubject: true });
      if (reversed && edge.object === returnType && edge.subject === inputType)
        out.push({ edge, returnIsSubject: false });
    }
  }
  return out;
}

/** The `RELATION [BY]` phrases that apply between a returned type and an input type, for hints and completion. */
export function relationsBetween(returnType: string, inputType: string): string[] {
  const out = new Set<string>();
  for (const r of RELATIONS) {
    if (edgesFor(returnType, r, false, inputType).length > 0) out.add(r);
    if (r !== 'LINKED' && edgesFor(returnType, r, true, inputType).length > 0) out.add(`${r} BY`);
  }
  return [...out];
}

/**
 * Entity types Kestrel 1.x knows (STIX 2.0 cyber observables plus the OCA extensions) with their common attributes,
 * for the runtime's "unknown entity type" check and for completion. Other `x-…` types are custom and allowed.
 */
export const ENTITY_TYPES: Readonly<Record<string, readonly string[]>> = {
  artifact: ['mime_type', 'payload_bin', 'url', 'hashes.MD5', "hashes.'SHA-1'", "hashes.'SHA-256'"],
  'autonomous-system': ['number', 'name', 'rir'],
  directory: ['path', 'path_enc', 'created', 'modified', 'accessed', 'contains_refs'],
  'domain-name': ['value', 'resolves_to_refs'],
  'email-addr': ['value', 'display_name', 'belongs_to_ref'],
  'email-message': [
    'is_multipart',
    'date',
    'content_type',
    'from_ref',
    'sender_ref',
    'to_refs',
    'cc_refs',
    'bcc_refs',
    'subject',
    'body',
  ],
  file: [
    'name',
    'size',
    'hashes.MD5',
    "hashes.'SHA-1'",
    "hashes.'SHA-256'",
    'name_enc',
    'magic_number_hex',
    'mime_type',
    'created',
    'modified',
    'accessed',
    'parent_directory_ref',
    'parent_directory_ref.path',
    'contains_refs',
    'content_ref',
  ],
  'ipv4-addr': ['value', 'resolves_to_refs', 'belongs_to_refs'],
  'ipv6-addr': ['value', 'resolves_to_refs', 'belongs_to_refs'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': [
    'start',
    'end',
    'is_active',
    'src_ref',
    'src_ref.value',
    'dst_ref',
    'dst_ref.value',
    'src_port',
    'dst_port',
    'protocols',
    'src_byte_count',
    'dst_byte_count',
    'src_packets',
    'dst_packets',
    'src_payload_ref',
    'dst_payload_ref',
    'encapsulates_refs',
    'encapsulated_by_ref',
  ],
  process: [
    'pid',
    'name',
    'command_line',
    'created',
    'cwd',
    'is_hidden',
    'environment_variables',
    'x_unique_id',
    'x_ttp_tags',
    'opened_connection_refs',
    'creator_user_ref',
    'creator_user_ref.user_id',
    'binary_ref',
    'binary_ref.name',
    'parent_ref',
    'parent_ref.pid',
    'parent_ref.name',
    'parent_ref.command_line',
    'child_refs',
  ],
  software: ['name', 'cpe', 'languages', 'vendor', 'version'],
  url: ['value'],
  'user-account': [
    'user_id',
    'account_login',
    'account_type',
    'display_name',
    'is_service_account',
    'is_privileged',
    'can_escalate_privs',
    'is_disabled',
    'account_created',
    'account_expires',
    'credential_last_changed',
    'account_first_login',
    'account_last_login',
  ],
  'windows-registry-key': ['key', 'values', 'modified', 'creator_user_ref', 'number_of_subkeys'],
  'x509-certificate': [
    'is_self_signed',
    'hashes',
    'version',
    'serial_number',
    'signature_algorithm',
    'issuer',
    'validity_not_before',
    'validity_not_after',
    'subject',
    'subject_public_key_algorithm',
  ],
  'x-oca-event': [
    'action',
    'code',
    'category',
    'created',
    'outcome',
    'module',
    'provider',
    'agent',
    'process_ref',
    'parent_process_ref',
    'file_ref',
    'host_ref',
    'domain_ref',
    'nt_ref',
    'registry_ref',
    'user_ref',
  ],
  'x-oca-asset': ['device_id', 'hostname', 'ip_refs', 'mac_refs', 'os_name', 'os_version', 'architecture'],
  'x-ibm-finding': [
    'name',
    'finding_type',
    'severity',
    'confidence',
    'src_ip_ref',
    'dst_ip_ref',
    'alert_id',
    'rule_names',
  ],
};

/** Attribute Kestrel sets when NEW is given a plain list of strings, per type (others: `name`). */
export const NEW_INITIAL_ATTRIBUTE: Readonly<Record<string, string>> = {
  process: 'name',
  file: 'name',
  mutex: 'name',
  software: 'name',
  'user-account': 'user_id',
  directory: 'path',
  'autonomous-system': 'number',
  'windows-registry-key': 'key',
  'x509-certificate': 'serial_number',
  'ipv4-addr': 'value',
  'ipv6-addr': 'value',
  'mac-addr': 'value',
  'domain-name': 'value',
  'email-addr': 'value',
  url: 'value',
};

export function isKnownEntityType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(ENTITY_TYPES, name);
}
