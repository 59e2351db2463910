/**
 * Builds a `type → schema` record from a list of event schemas, typed by each schema's literal.
 * @module
 */
import type * as v from 'valibot';

/** An event schema: an object schema whose `type` entry is a literal. */
export type EventObjectSchema = v.ObjectSchema<
  { readonly type: v.LiteralSchema<string, undefined> } & v.ObjectEntries,
  undefined
>;

/** `{ [type]: schema }` for a tuple of event schemas. */
export type EventSchemaRecord<L extends readonly EventObjectSchema[]> = {
  readonly [S in L[number] as S['entries']['type']['literal']]: S;
};

/** Indexes event schemas by their `type` literal (throws on a duplicate: a programming error). */
export function eventSchemaRecord<const L extends readonly EventObjectSchema[]>(
  list: L,
): EventSchemaRecord<L> {
  const out: Record<string, EventObjectSchema> = {};
  for (const schema of list) {
    const type = schema.entries.type.literal;
    if (type in out) throw new Error(`duplicate event schema for ${type}`);
    out[type] = schema;
  }
  return Object.freeze(out) as EventSchemaRecord<L>;
}
