import { Types } from 'mongoose';

/**
 * Ids are MongoDB ObjectIds: created by the service (a purchase's id is known before its commit,
 * so an unknown outcome can be read back by it) and compared as strings. The one place outside
 * the data access that knows what an id is made of.
 */
export type Id = Types.ObjectId;

export function newId(): Id {
  return new Types.ObjectId();
}

export function toId(id: string | Id): Id {
  return typeof id === 'string' ? new Types.ObjectId(id) : id;
}
