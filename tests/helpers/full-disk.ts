import Keyv from "keyv";
import type { AppError } from "../../src/errors.ts";
import { KeyvStore } from "../../src/services/storage/store.ts";

/**
 * A keyv storage adapter over a Map that behaves like SQLite on a full disk while `full` is set:
 * reads work, every write fails with SQLITE_FULL.
 */
export class FullDisk {
  full = false;
  readonly data = new Map<string, unknown>();

  async get(key: string): Promise<unknown> {
    return this.data.get(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.refuse();
    this.data.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    this.refuse();
    return this.data.delete(key);
  }

  async clear(): Promise<void> {
    this.refuse();
    this.data.clear();
  }

  private refuse(): void {
    if (this.full)
      throw Object.assign(new Error("SQLITE_FULL: database or disk is full"), {
        code: "SQLITE_FULL",
      });
  }
}

/** A store over a FullDisk, as the app uses any store; failures are reported to `onError`. */
export function storeOnDisk(
  disk: FullDisk,
  onError: (error: AppError) => void = () => {},
): KeyvStore {
  return new KeyvStore(new Keyv({ store: disk }), undefined, { name: "test store", onError });
}
