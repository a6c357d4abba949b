/**
 * Relay global ids: base64url of `<TypeName>:<numeric id>`. Opaque to clients, cheap to decode.
 */
export function toGlobalId(typeName: string, id: number | string): string {
  return Buffer.from(`${typeName}:${id}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  typeName: string;
  id: number;
}

/** Decodes a global id; returns null for anything that is not one (never throws on user input). */
export function fromGlobalId(globalId: string): DecodedGlobalId | null {
  if (typeof globalId !== 'string' || globalId.length > 200 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Za-z][A-Za-z0-9]*):(\d{1,16})$/.exec(decoded);
  if (!match) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) && id > 0 ? { typeName: match[1]!, id } : null;
}

/** Decodes a global id that must name `typeName`; null when it does not. */
export function decodeIdOf(typeName: string, globalId: string): number | null {
  const decoded = fromGlobalId(globalId);
  return decoded && decoded.typeName === typeName ? decoded.id : null;
}
