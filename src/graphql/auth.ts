import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { AuthCheckerFn } from 'type-graphql';
import type { ApiToken } from '../config.js';
import type { GraphQLContext } from './context.js';

/** API roles, each including the ones before it. */
export enum Role {
  VIEWER = 'VIEWER',
  OPERATOR = 'OPERATOR',
  ADMIN = 'ADMIN',
}

const RANK: Record<Role, number> = { [Role.VIEWER]: 1, [Role.OPERATOR]: 2, [Role.ADMIN]: 3 };

/** Who is calling: the API token's name (recorded as `recordedBy`) and its role. */
export interface Viewer {
  name: string;
  role: Role;
}

/** The development-mode caller: every request is ADMIN when no token is configured. */
export const DEV_VIEWER: Viewer = Object.freeze({ name: 'dev', role: Role.ADMIN });

export function hasRole(viewer: Viewer, required: Role): boolean {
  return RANK[viewer.role] >= RANK[required];
}

/**
 * type-graphql `@Authorized(Role.X)`: the caller's role must be at least one of the roles listed. A refusal is a
 * top-level `FORBIDDEN` error naming the role needed (data-model.md §6.1 keeps top-level errors for auth).
 */
export const authChecker: AuthCheckerFn<GraphQLContext, Role> = ({ context, info }, roles) => {
  if (roles.length === 0 || roles.some((role) => hasRole(context.viewer, role))) return true;
  const needed = [...roles].sort((a, b) => RANK[a] - RANK[b])[0]!;
  throw new GraphQLError(
    `${info.parentType.name}.${info.fieldName} needs the ${needed} role; the API token "${context.viewer.name}" has ${context.viewer.role}.`,
    { extensions: { code: 'FORBIDDEN' } },
  );
};

export type AuthResult = { ok: true; viewer: Viewer } | { ok: false; reason: 'missing' | 'invalid' };

export interface Authenticator {
  /** True when no token is configured: every caller is DEV_VIEWER. */
  readonly devMode: boolean;
  /**
   * Checks a credential: an `Authorization` header value (`Bearer <secret>`) or a bare secret (graphql-ws
   * `connectionParams.token`).
   */
  authenticate(credential: unknown): AuthResult;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The secret from `Bearer <secret>`, else the credential itself (which then fails); undefined when empty. */
export function credentialSecret(credential: unknown): string | undefined {
  if (typeof credential !== 'string') return undefined;
  const trimmed = credential.trim();
  const match = /^Bearer\s+(.+)$/i.exec(trimmed);
  const secret = match ? match[1]!.trim() : trimmed;
  return secret.length > 0 ? secret : undefined;
}

/**
 * Token authentication against the configured token hashes. The presented secret is hashed and compared with
 * every stored digest in constant time (equal-length SHA-256 digests, no early exit), so response time says
 * nothing about how much of a secret was right, or which token matched.
 */
export function createAuthenticator(tokens: readonly ApiToken[]): Authenticator {
  const stored = tokens.map((token) => ({
    viewer: Object.freeze({ name: token.name, role: token.role as Role }) as Viewer,
    digest: Buffer.from(token.secretSha256, 'hex'),
  }));
  return {
    devMode: stored.length === 0,
    authenticate(credential) {
      if (stored.length === 0) return { ok: true, viewer: DEV_VIEWER };
      const secret = credentialSecret(credential);
      if (secret === undefined) return { ok: false, reason: 'missing' };
      const digest = sha256(secret);
      let found: Viewer | undefined;
      for (const token of stored) {
        if (timingSafeEqual(digest, token.digest) && !found) found = token.viewer;
      }
      return found ? { ok: true, viewer: found } : { ok: false, reason: 'invalid' };
    },
  };
}
