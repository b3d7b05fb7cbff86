const OBJECT_ID = /^[0-9a-f]{24}$/i;
const DATA_PATH = /^data(\.[A-Za-z0-9_]{1,64}){1,4}$/;
type Query = Record<string, unknown>;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * The data filter a list request asks for, or null. Agendash 8.2.4 reads `property` from its list
 * request but never passes it to Agenda's `queryJobs`, so its Property/Value filter would be
 * silently ignored (AgendashController.getJobs); src/admin/agendash-list.ts applies it.
 * - `property=data.<field>` with a `value` (or `q`, which is where Agendash's "Value" box goes);
 * - a bare `q` that is a 24-hex id: a purchase's transaction id pasted into the search box.
 */
export function dataFilterOf(query: Query): Record<string, unknown> | null {
  const property = text(query.property);
  const value = text(query.value) ?? text(query.q);
  if (property && value && DATA_PATH.test(property)) {
    const filter: Record<string, unknown> = {};
    let node = filter;
    const keys = property.split('.').slice(1);
    keys.forEach((key, i) => (node = (node[key] = i === keys.length - 1 ? value : {}) as Record<string, unknown>));
    return filter;
  }
  if (!property && value && OBJECT_ID.test(value)) return { transactionId: value.toLowerCase() };
  return null;
}
