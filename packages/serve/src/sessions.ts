import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A browser's session: its CSRF token from the first page, its user once signed in. */
export interface Session {
  id: string;
  csrf: string;
  user?: string;
  /** The signed-in user's groups (users file or auth proxy): what the stacks' permissions name. */
  groups?: readonly string[];
  /** How the user signed in: a proxy session is valid only with the proxy's headers. */
  via?: 'password' | 'proxy';
  lastSeenMs: number;
}

/** Sessions kept at most (signed in or not). */
const maxSessions = 20_000;

const token = () => randomBytes(32).toString('base64url');

/**
 * Sessions in memory (a restart signs everyone out; run records are in the cluster). A session
 * idle longer than `idleMs` is gone; signing in replaces the session id (no fixation).
 */
export class Sessions {
  readonly #byId = new Map<string, Session>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.#byId.get(id);
    if (!session) return undefined;
    if (this.now() - session.lastSeenMs > this.idleMs) {
      this.#byId.delete(id);
      return undefined;
    }
    session.lastSeenMs = this.now();
    return session;
  }

  create(signedIn?: { user: string; groups: readonly string[]; via: 'password' | 'proxy' }): Session {
    this.#sweep();
    // bounded: anyone may open /login, so the oldest sessions go first past the cap
    for (const id of this.#byId.keys()) {
      if (this.#byId.size < maxSessions) break;
      this.#byId.delete(id);
    }
    const session: Session = { id: token(), csrf: token(), lastSeenMs: this.now(), ...signedIn };
    this.#byId.set(session.id, session);
    return session;
  }

  /** A new session for `user` in place of `old`. */
  signIn(
    old: Session | undefined,
    user: string,
    groups: readonly string[] = [],
    via: 'password' | 'proxy' = 'password',
  ): Session {
    if (old) this.#byId.delete(old.id);
    return this.create({ user, groups, via });
  }

  end(session: Session): void {
    this.#byId.delete(session.id);
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, s] of this.#byId) if (now - s.lastSeenMs > this.idleMs) this.#byId.delete(id);
  }
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || submitted.length === 0) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
