import {
  getNamedType,
  getNullableType,
  getOperationAST,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import type { QueryLimits } from '../config.js';

/** Page size assumed for a paged field (`first`/`last`) called without one (data-model.md §6.1 default). */
export const DEFAULT_PAGE_SIZE = 50;
/** Items assumed for a plain list field, unless its `extensions.listSize` or a list argument says otherwise. */
export const DEFAULT_LIST_SIZE = 10;

/**
 * Optional cost hints on a field, set by resolvers with type-graphql's `@Extensions({ cost, listSize })`:
 * `cost` replaces the field's own cost of 1 (an expensive computed field), `listSize` the items a plain list
 * field is assumed to return: a number, or a function of the field's arguments (a daily series' length follows
 * its range and bucket). Arguments reach it as plain values, variables and defaults applied; a function must
 * cope with missing or malformed ones, since the measure runs before validation.
 */
export interface FieldCostHints {
  cost?: number;
  listSize?: number | ((args: Readonly<Record<string, unknown>>) => number);
}

const BUCKET_DAYS: Readonly<Record<string, number>> = { DAY: 1, WEEK: 7, MONTH: 30 };

/**
 * `listSize` of a daily series field (`range`, `bucket` arguments): the days of the range, or `typicalDays`
 * without one, divided by the bucket's length.
 */
export function seriesListSize(typicalDays: number): (args: Readonly<Record<string, unknown>>) => number {
  return (args) => {
    const range = args.range as { from?: unknown; to?: unknown } | undefined;
    const spanDays = typeof range?.from === 'string' && typeof range.to === 'string' ? (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 + 1 : NaN;
    const days = Number.isFinite(spanDays) && spanDays > 0 ? spanDays : typicalDays;
    return Math.ceil(days / (BUCKET_DAYS[String(args.bucket ?? 'DAY')] ?? 1));
  };
}

/** What an operation asks for, counted as graphql-js would execute it (fragments expanded). */
export interface OperationMeasure {
  /** Deepest field nesting (`{ a { b } }` is 2). */
  depth: number;
  /** Each field costs 1 (or its `cost` hint), times the page/list sizes of the list fields above it. */
  cost: number;
  aliases: number;
  directives: number;
}

const zero = (): OperationMeasure => ({ depth: 0, cost: 0, aliases: 0, directives: 0 });

function addInto(total: OperationMeasure, part: OperationMeasure): void {
  total.depth = Math.max(total.depth, part.depth);
  total.cost += part.cost;
  total.aliases += part.aliases;
  total.directives += part.directives;
}

/**
 * Measures one operation in time linear in the document: each fragment is measured once per page-size context
 * and memoised, so a "fragment bomb" (fragments spreading each other many times) costs no more to measure than
 * to read, and its exponential cost shows up as a number instead of work. A fragment cycle (invalid; graphql's
 * validation reports it) counts as empty instead of recursing forever.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, OperationMeasure>();
  const inProgress = new Set<string>();

  const variableDefault = (name: string): ValueNode | undefined =>
    operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
  /** Variable values with the operation's defaults filled in, for `listSize` functions. */
  const variableValues: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if ((variableValues[name] === undefined || variableValues[name] === null) && definition.defaultValue) {
      variableValues[name] = valueFromASTUntyped(definition.defaultValue);
    }
  }

  /** A literal or variable value: a number (page size) or an array (its length counts). */
  function valueOf(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.INT:
        return Number(node.value);
      case Kind.LIST:
        return node.values;
      case Kind.VARIABLE: {
        const name = node.name.value;
        if (variables[name] !== undefined && variables[name] !== null) return variables[name];
        const fallback = variableDefault(name);
        return fallback ? valueOf(fallback) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** Page size of a field with `first`/`last` arguments, or undefined for any other field. */
  function pageSizeOf(node: FieldNode, field: GraphQLField<unknown, unknown>): number | undefined {
    const pagingArgs = field.args.filter((arg) => arg.name === 'first' || arg.name === 'last');
    if (pagingArgs.length === 0) return undefined;
    let size: number | undefined;
    for (const argument of node.arguments ?? []) {
      if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
      const value = valueOf(argument.value);
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, value);
    }
    for (const arg of pagingArgs) {
      if (size === undefined && typeof arg.defaultValue === 'number') size = arg.defaultValue;
    }
    return Math.max(0, size ?? DEFAULT_PAGE_SIZE);
  }

  function listSizeOf(node: FieldNode, field: GraphQLField<unknown, unknown> | undefined, hints: FieldCostHints): number {
    if (typeof hints.listSize === 'number') return hints.listSize;
    if (typeof hints.listSize === 'function') {
      const args: Record<string, unknown> = {};
      for (const arg of field?.args ?? []) if (arg.defaultValue !== undefined) args[arg.name] = arg.defaultValue;
      for (const argument of node.arguments ?? []) args[argument.name.value] = valueFromASTUntyped(argument.value, variableValues);
      const size = hints.listSize(args);
      return Number.isFinite(size) && size >= 0 ? size : DEFAULT_LIST_SIZE;
    }
    let longest: number | undefined;
    for (const argument of node.arguments ?? []) {
      const value = valueOf(argument.value);
      if (Array.isArray(value)) longest = Math.max(longest ?? 0, value.length);
    }
    return longest ?? DEFAULT_LIST_SIZE;
  }

  function fieldOf(parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return undefined;
    if (parent === schema.getQueryType()) {
      if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
      if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    }
    return parent.getFields()[name];
  }

  function measureField(node: FieldNode, parent: GraphQLCompositeType | undefined, inheritedPage: number | undefined) {
    const field = fieldOf(parent, node.name.value);
    const hints = (field?.extensions ?? {}) as FieldCostHints;
    const own = typeof hints.cost === 'number' ? hints.cost : 1;
    const aliases = node.alias ? 1 : 0;
    if (!node.selectionSet) return { depth: 1, cost: own, aliases, directives: 0 };
    const page = field ? pageSizeOf(node, field) : undefined;
    // A page size applies to the lists right under the paged field (`edges`, `nodes`), not to the field itself.
    const multiplier =
      page === undefined && field && isListType(getNullableType(field.type)) ? (inheritedPage ?? listSizeOf(node, field, hints)) : 1;
    const childType = field ? getNamedType(field.type) : undefined;
    const inner = measureSet(node.selectionSet, isCompositeType(childType) ? childType : undefined, page, new Set());
    return {
      depth: 1 + inner.depth,
      cost: own + multiplier * inner.cost,
      aliases: aliases + inner.aliases,
      directives: inner.directives,
    };
  }

  function measureFragment(name: string, page: number | undefined): OperationMeasure {
    const key = `${name}|${page ?? ''}`;
    const known = memo.get(key);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || inProgress.has(name)) return zero();
    inProgress.add(name);
    const type = schema.getType(definition.typeCondition.name.value);
    const measure = measureSet(definition.selectionSet, isCompositeType(type) ? type : undefined, page, new Set([name]));
    measure.directives += definition.directives?.length ?? 0;
    inProgress.delete(name);
    memo.set(key, measure);
    return measure;
  }

  /** `visited`: fragments already spread into this selection set (graphql-js executes each once per set). */
  function measureSet(
    set: SelectionSetNode,
    parent: GraphQLCompositeType | undefined,
    page: number | undefined,
    visited: Set<string>,
  ): OperationMeasure {
    const total = zero();
    for (const selection of set.selections) {
      total.directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        addInto(total, measureField(selection, parent, page));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        addInto(total, measureSet(selection.selectionSet, isCompositeType(type) ? type : undefined, page, visited));
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        addInto(total, measureFragment(selection.name.value, page));
      }
    }
    return total;
  }

  const root = schema.getRootType(operation.operation) ?? undefined;
  const measure = measureSet(operation.selectionSet, root, undefined, new Set());
  measure.directives += (operation.directives?.length ?? 0) +
    (operation.variableDefinitions ?? []).reduce((sum, definition) => sum + (definition.directives?.length ?? 0), 0);
  return measure;
}

export const QUERY_LIMIT_EXCEEDED = 'QUERY_LIMIT_EXCEEDED';

const show = (value: number) => (Number.isSafeInteger(value) ? value.toLocaleString('en-US') : `more than ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}`);

/**
 * The limit errors of the operation a request selects (none when it is within every limit, or when no single
 * operation can be selected: execution reports that). `http` adds Apollo's status extension (400).
 */
export function queryLimitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | undefined,
  limits: QueryLimits,
  options: { http?: boolean } = {},
): GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const measure = measureOperation(schema, document, operation, variables ?? {});
  const checks = [
    ['depth', measure.depth, limits.maxDepth, `Query depth ${show(measure.depth)} exceeds the limit of ${show(limits.maxDepth)}.`],
    [
      'cost',
      measure.cost,
      limits.maxCost,
      `Query cost ${show(measure.cost)} exceeds the limit of ${show(limits.maxCost)} (each field counts 1, times the page size or list size of every list above it; ask for smaller pages or fewer nested lists).`,
    ],
    ['aliases', measure.aliases, limits.maxAliases, `Query uses ${show(measure.aliases)} aliases; the limit is ${show(limits.maxAliases)}.`],
    [
      'directives',
      measure.directives,
      limits.maxDirectives,
      `Query uses ${show(measure.directives)} directives; the limit is ${show(limits.maxDirectives)}.`,
    ],
  ] as const;
  return checks
    .filter(([, actual, max]) => actual > max)
    .map(
      ([limit, actual, max, message]) =>
        new GraphQLError(message, {
          extensions: {
            code: QUERY_LIMIT_EXCEEDED,
            limit,
            max,
            actual: Number.isFinite(actual) ? actual : null,
            ...(options.http ? { http: { status: 400 } } : {}),
          },
        }),
    );
}
