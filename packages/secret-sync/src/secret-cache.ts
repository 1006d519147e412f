import { refKey, type ExistingSecret } from '@slipway/core';

/** What the cycle needs from the managed-Secret cache (watch-backed, or one list for --once). */
export interface SecretCache {
  snapshot(): ExistingSecret[];
  get(namespace: string, name: string): ExistingSecret | undefined;
  record(secret: ExistingSecret): void;
  forget(namespace: string, name: string): void;
}

/** A cache filled by one list (no watch): `--once` runs. */
export class ListedSecretCache implements SecretCache {
  readonly #items: Map<string, ExistingSecret>;
  constructor(items: readonly ExistingSecret[]) {
    this.#items = new Map(items.map((s) => [refKey(s), s]));
  }
  snapshot(): ExistingSecret[] {
    return [...this.#items.values()];
  }
  get(namespace: string, name: string): ExistingSecret | undefined {
    return this.#items.get(`${namespace}/${name}`);
  }
  record(secret: ExistingSecret): void {
    if (secret.managed) this.#items.set(refKey(secret), secret);
    else this.#items.delete(refKey(secret));
  }
  forget(namespace: string, name: string): void {
    this.#items.delete(`${namespace}/${name}`);
  }
}
