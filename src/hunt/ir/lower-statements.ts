/**
 * One lowerer per statement kind, in a table keyed by `kind` (house rule 3): adding a statement kind to the AST
 * makes {@link STATEMENT_LOWERERS} fail `tsc` until it is lowered, and each lowerer returns the IR node of its own
 * kind. A lowerer checks what needs no data (types of variables, relations between types, BIN widths, the types of
 * a merge) and defines its output in the scope.
 */
import type { Literal } from '../../stix/ast.ts';
import type * as A from '../syntax/ast.ts';
import {
  NEW_INITIAL_ATTRIBUTE,
  TIME_UNIT_SECONDS,
  edgesFor,
  relationsBetween,
} from '../syntax/vocabulary.ts';
import { lowerTime, lowerView, lowerWhere } from './lower-expressions.ts';
import { UNKNOWN_TYPE, type LowerScope } from './lower-scope.ts';
import type { IrSource, IrStatement } from './types.ts';

/** Lowers a statement of kind `K` into the IR statement of the same kind. */
type StatementLowerer<K extends A.StatementKind> = (
  s: Extract<A.Statement, { readonly kind: K }>,
  scope: LowerScope,
) => Extract<IrStatement, { readonly kind: K }>;

export type StatementLowerers = { readonly [K in A.StatementKind]: StatementLowerer<K> };

export const STATEMENT_LOWERERS: StatementLowerers = {
  Get(s, scope) {
    const entityType = scope.entityType(s.entityType);
    let source: IrSource;
    if (!s.from) source = { kind: 'LastSource' };
    else if (s.from.kind === 'Var' && !scope.has(s.from.name)) {
      // Kestrel: a bare name after FROM that is no variable names a data source (`FROM host2` = stixshifter://host2)
      source = { kind: 'Uris', uris: [`stixshifter://${s.from.name}`], spans: [s.from.span] };
    } else if (s.from.kind === 'Var') {
      const t = scope.use(s.from);
      if (t !== entityType && t !== UNKNOWN_TYPE) {
        throw scope.error(
          'E_TYPE_MISMATCH',
          `variable "${s.from.name}" holds ${t}, not ${entityType}`,
          s.from.span,
          `write GET ${t} FROM ${s.from.name}`,
        );
      }
      source = { kind: 'Variable', name: s.from.name };
    } else source = { kind: 'Uris', uris: s.from.uris, spans: scope.uriSpans(s.from) };
    const refs = new Set<string>();
    const pattern = lowerWhere(scope, s.where, entityType, refs);
    const time = lowerTime(scope, s.timeRange);
    scope.define(s.output.name, entityType);
    return {
      kind: 'Get',
      output: s.output.name,
      entityType,
      source,
      pattern,
      ...(time ? { time } : {}),
      ...(s.limit !== undefined ? { limit: s.limit } : {}),
      refs: [...refs],
      span: s.span,
    };
  },

  Find(s, scope) {
    const entityType = scope.entityType(s.entityType);
    const inputType = scope.use(s.input);
    const edges = edgesFor(entityType, s.relation.name, s.reversed, inputType);
    // LINKED is Kestrel 1.x's generic relation: co-occurrence in an observation, defined for any two types.
    // (An input of a type known only when it runs — LOAD without AS — is checked when the statement runs.)
    if (edges.length === 0 && s.relation.name !== 'LINKED' && inputType !== UNKNOWN_TYPE) {
      const ok = relationsBetween(entityType, inputType);
      throw scope.error(
        'E_RELATION_NOT_APPLICABLE',
        `${entityType} cannot be ${s.relation.name}${s.reversed ? ' BY' : ''} ${inputType} (variable "${s.input.name}")`,
        s.relation.span,
        ok.length
          ? `between ${entityType} and ${inputType} these apply: ${ok.map((r) => `FIND ${entityType} ${r} ${s.input.name}`).join(', ')}`
          : `no relation links ${entityType} and ${inputType}`,
      );
    }
    // a closure follows the relation from what it found: the relation must return the input's type
    if (s.depth && inputType !== UNKNOWN_TYPE && inputType !== entityType) {
      throw scope.error(
        'E_DEPTH_NOT_APPLICABLE',
        `DEPTH follows ${s.relation.name}${s.reversed ? ' BY' : ''} again from the ${entityType} entities it found, but "${s.input.name}" holds ${inputType}`,
        s.depth.span,
        `a closure needs a relation between entities of one type, e.g. FIND ${inputType} CREATED BY ${s.input.name} DEPTH *; or drop DEPTH`,
      );
    }
    const refs = new Set<string>();
    const pattern = lowerWhere(scope, s.where, entityType, refs);
    const time = lowerTime(scope, s.timeRange);
    scope.define(s.output.name, entityType);
    return {
      kind: 'Find',
      output: s.output.name,
      entityType,
      relation: s.relation.name,
      reversed: s.reversed,
      input: s.input.name,
      edges: edges.map((e) => ({
        returnIsSubject: e.returnIsSubject,
        subjectRefs: e.edge.subjectRefs,
        objectRefs: e.edge.objectRefs,
      })),
      pattern,
      ...(time ? { time } : {}),
      ...(s.limit !== undefined ? { limit: s.limit } : {}),
      ...(s.depth ? { depth: s.depth.hops } : {}),
      refs: [...refs],
      span: s.span,
    };
  },

  FindPeer(s, scope) {
    const entityType = scope.entityType(s.entityType);
    if (entityType !== 'process' && entityType !== 'network-traffic') {
      throw scope.error(
        'E_PEER_TYPE',
        `FIND … PEER OF returns the other host's process or network-traffic, not ${entityType}`,
        s.entityType.span,
        `write FIND process PEER OF ${s.input.name} … or FIND network-traffic PEER OF ${s.input.name} …`,
      );
    }
    const inputType = scope.use(s.input);
    if (inputType !== 'network-traffic' && inputType !== UNKNOWN_TYPE) {
      throw scope.error(
        'E_PEER_INPUT',
        `FIND … PEER OF pivots from network-traffic, but "${s.input.name}" holds ${inputType}`,
        s.input.span,
        `first FIND network-traffic CREATED BY ${s.input.name}`,
      );
    }
    if (s.from.kind === 'Var' && scope.has(s.from.name)) {
      throw scope.error(
        'E_PEER_SOURCE',
        `FIND … PEER OF asks a data source, and "${s.from.name}" is a variable`,
        s.from.span,
        'write FROM stixshifter://host2 or FROM file://…/host2.json',
      );
    }
    const source = s.from.kind === 'Var' ? [`stixshifter://${s.from.name}`] : s.from.uris;
    const refs = new Set<string>();
    const pattern = lowerWhere(scope, s.where, entityType, refs);
    scope.define(s.output.name, entityType);
    const withinSeconds = s.within ? s.within.n * TIME_UNIT_SECONDS[s.within.unit] : 30;
    return {
      kind: 'FindPeer',
      output: s.output.name,
      entityType,
      input: s.input.name,
      source,
      withinSeconds,
      nat: s.nat,
      edges: edgesFor('process', 'CREATED', false, 'network-traffic').map((e) => ({
        returnIsSubject: e.returnIsSubject,
        subjectRefs: e.edge.subjectRefs,
        objectRefs: e.edge.objectRefs,
      })),
      pattern,
      ...(s.limit !== undefined ? { limit: s.limit } : {}),
      refs: [...refs],
      ...(s.from.kind === 'SourceRef' ? { focus: s.from.span } : {}),
      span: s.span,
    };
  },

  Group(s, scope) {
    const t = scope.use(s.input);
    const keys = s.by.map((k) => {
      scope.checkVarAttr(s.input.name, t, k.kind === 'Attr' ? k.path : k.attr.path, k.span);
      if (k.kind === 'Attr') return { attr: k.path, alias: k.path };
      if (!(k.size > 0)) {
        throw scope.error(
          'E_BIN_SIZE',
          `BIN needs a width above 0, not ${k.size}`,
          k.span,
          `write e.g. BIN(${k.attr.path}, ${k.unit ? `5 ${k.unit}` : '10'})`,
        );
      }
      return {
        attr: k.attr.path,
        bin: { size: k.size, ...(k.unit ? { seconds: k.size * TIME_UNIT_SECONDS[k.unit] } : {}) },
        alias: k.alias ?? `${k.attr.path}_bin`,
      };
    });
    const aggregations = s.aggregations.map((a) => {
      scope.checkVarAttr(s.input.name, t, a.attr.path, a.attr.span);
      return {
        func: a.func,
        attr: a.attr.path,
        alias: a.alias ?? `${a.func.toLowerCase()}_${a.attr.path}`,
      };
    });
    const cols = new Set([...keys.map((k) => k.alias), ...aggregations.map((a) => a.alias)]);
    if (aggregations.length === 0) cols.add('number_observed');
    scope.define(s.output.name, t, cols);
    return { kind: 'Group', output: s.output.name, input: s.input.name, keys, aggregations, span: s.span };
  },

  Join(s, scope) {
    const lt = scope.use(s.left);
    const rt = scope.use(s.right);
    if (s.by) {
      scope.checkAttr(lt, s.by[0].path, s.by[0].span);
      scope.checkAttr(rt, s.by[1].path, s.by[1].span);
    }
    scope.define(s.output.name, lt, null);
    return {
      kind: 'Join',
      output: s.output.name,
      left: s.left.name,
      right: s.right.name,
      ...(s.by ? { by: [s.by[0].path, s.by[1].path] as const } : {}),
      span: s.span,
    };
  },

  Sort(s, scope) {
    const t = scope.use(s.input);
    scope.checkVarAttr(s.input.name, t, s.key.attr.path, s.key.attr.span);
    scope.define(s.output.name, t, scope.columnsOf(s.input.name));
    return {
      kind: 'Sort',
      output: s.output.name,
      input: s.input.name,
      attr: s.key.attr.path,
      asc: s.key.direction === 'ASC',
      span: s.span,
    };
  },

  Load(s, scope) {
    const entityType = s.entityType ? scope.entityType(s.entityType) : undefined;
    const format = scope.format(s.path);
    scope.define(s.output.name, entityType ?? UNKNOWN_TYPE);
    return {
      kind: 'Load',
      output: s.output.name,
      path: s.path.value,
      format,
      ...(entityType ? { entityType } : {}),
      span: s.span,
    };
  },

  Save(s, scope) {
    scope.use(s.input);
    return {
      kind: 'Save',
      input: s.input.name,
      path: s.path.value,
      format: scope.format(s.path),
      span: s.span,
    };
  },

  New(s, scope) {
    let entityType = s.entityType ? scope.entityType(s.entityType) : undefined;
    let objects: Record<string, string | number | boolean | null>[];
    if (s.data.kind === 'NewStrings') {
      if (!entityType)
        throw scope.error(
          'E_NEW_WITHOUT_TYPE',
          'NEW with a list of strings needs an entity type',
          s.span,
          "write NEW process ['cmd.exe']",
        );
      const attr = NEW_INITIAL_ATTRIBUTE[entityType] ?? 'name';
      objects = s.data.values.map((v) => ({ [attr]: v }));
    } else {
      objects = s.data.objects.map((o) => ({ ...o }));
      if (!entityType) {
        const t = objects[0]?.type;
        if (typeof t !== 'string')
          throw scope.error(
            'E_NEW_WITHOUT_TYPE',
            'NEW needs an entity type: write one or give each object a "type"',
            s.data.span,
          );
        entityType = t;
      }
      objects = objects.map((o) => {
        const { type: _t, ...rest } = o;
        return rest;
      });
    }
    scope.define(s.output.name, entityType);
    return { kind: 'New', output: s.output.name, entityType, objects, span: s.span };
  },

  Apply(s, scope) {
    for (const v of s.inputs) scope.noteApplied(scope.use(v));
    const args: Record<string, unknown> = {};
    for (const a of s.args) args[a.name] = literalValue(a.value);
    return {
      kind: 'Apply',
      analytics: s.analytics.uri,
      inputs: s.inputs.map((v) => v.name),
      args,
      span: s.span,
    };
  },

  Disp(s, scope) {
    const t = scope.use(s.expr.input);
    return { kind: 'Disp', input: s.expr.input.name, view: lowerView(scope, s.expr, t), span: s.span };
  },

  Info(s, scope) {
    scope.use(s.input);
    return { kind: 'Info', input: s.input.name, span: s.span };
  },

  Describe(s, scope) {
    const t = scope.use(s.input);
    scope.checkVarAttr(s.input.name, t, s.attr.path, s.attr.span);
    return { kind: 'Describe', input: s.input.name, attr: s.attr.path, span: s.span };
  },

  Explain(s, scope) {
    scope.use(s.input);
    return { kind: 'Explain', input: s.input.name, span: s.span };
  },

  Merge(s, scope) {
    const types = s.inputs.map((v) => [v, scope.use(v)] as const);
    const first = types[0]![1];
    for (const [v, t] of types) {
      if (t !== first && t !== UNKNOWN_TYPE && first !== UNKNOWN_TYPE)
        throw scope.error(
          'E_MERGE_TYPES',
          `cannot merge ${t} variable "${v.name}" with ${first} variables`,
          v.span,
          'all variables of a merge must hold the same entity type',
        );
    }
    scope.define(s.output.name, first);
    return { kind: 'Merge', output: s.output.name, inputs: s.inputs.map((v) => v.name), span: s.span };
  },

  Assign(s, scope) {
    const t = scope.use(s.expr.input);
    const view = lowerView(scope, s.expr, t);
    scope.define(s.output.name, t, scope.columnsOf(s.expr.input.name));
    return { kind: 'Assign', output: s.output.name, input: s.expr.input.name, view, span: s.span };
  },
};

/** APPLY's `WITH k=v` values as plain JSON (a variable reference as `{variable, attribute}`). */
function literalValue(l: Literal): unknown {
  switch (l.kind) {
    case 'List':
      return l.values.map(literalValue);
    case 'VarRef':
      return { variable: l.variable, attribute: l.attribute };
    default:
      return l.value;
  }
}
