import Keyv from "keyv";
import type { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";

/**
 * One kind of record, e.g. checklist progress, with its values validated by a zod schema on read.
 * Every method throws `AppError(StoreUnavailable)` when the store could not do it (nothing was
 * changed then), and `AppError(StoredValueInvalid)` when a stored value fails its schema.
 *
 * @example
 * const progress = store.collection("progress", ProgressSchema);
 * await progress.update("T1:U1", (old) => ({ ...old, roles: {} }));
 */
export interface Collection<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Read-modify-write, atomic: two quick clicks by one user (or two app processes on one SQLite
   * file or one Redis) cannot overwrite each other. `change` may run again if the store retries
   * (over Redis, when another process changed the record in between), so it must only compute the
   * next value from the current one.
   */
  update(key: string, change: (current: T | undefined) => T, ttlMs?: number): Promise<T>;
  /**
   * Stores the value only if the key is absent (or expired); true when this call stored it.
   * Atomic between processes sharing the store.
   */
  claim(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /**
   * The keys of this collection that start with `prefix`. A scan: for rare jobs (purging an
   * uninstalled workspace's data), never on a request's path.
   */
  keys(prefix: string): Promise<string[]>;
}

/** The storage the app depends on; a Redis-backed one can replace the SQLite one behind this. */
export interface Store {
  collection<T>(name: string, schema: z.ZodType<T>): Collection<T>;
  /**
   * False while the store cannot write: after a failed operation, until a write succeeds (SQLite),
   * or while Redis is unreachable. /healthz answers 503 then.
   */
  healthy(): boolean;
  close(): Promise<void>;
}

export interface KeyvStoreOptions {
  /** How the store is named in error messages, e.g. `sqlite store var/internprep.sqlite`. */
  name?: string;
  /** Told about every failure once (to log it); the failing call also throws it. */
  onError?: (error: AppError) => void;
}

/** How often an unhealthy store tries a small write on its own, so /healthz can recover. */
const PROBE_EVERY_MS = 5000;

/**
 * A Store over any keyv instance; the key of a record is `<collection>:<key>`.
 *
 * keyv reports a failed write by returning `false` and a failed read as `undefined`; this store
 * makes keyv throw instead and turns every failure into `AppError(StoreUnavailable)` naming the
 * store, the key and the cause. Atomicity of `update` and `claim` holds within one process (a
 * per-key queue); a store shared by several processes overrides `atomicUpdate` and `atomicClaim`.
 */
export class KeyvStore implements Store {
  private readonly queues = new Map<string, Promise<unknown>>();
  private ok = true;
  private lastProbe = 0;
  protected readonly name: string;

  constructor(
    protected readonly keyv: Keyv,
    private readonly onClose: () => Promise<void> = async () => {},
    private readonly options: KeyvStoreOptions = {},
  ) {
    this.name = options.name ?? "store";
    keyv.throwOnErrors = true;
    // Errors are also thrown by the failing call (and reported there); a store that emits one
    // cannot be trusted to write until a write succeeds again.
    keyv.on("error", () => {
      this.ok = false;
    });
  }

  healthy(): boolean {
    const now = Date.now();
    if (!this.ok && now - this.lastProbe >= PROBE_EVERY_MS) {
      this.lastProbe = now;
      void this.guard("write", "store:health", () =>
        this.confirmSet("store:health", now, 60_000),
      ).catch(() => undefined);
    }
    return this.ok;
  }

  collection<T>(name: string, schema: z.ZodType<T>): Collection<T> {
    const full = (key: string) => `${name}:${key}`;
    const validated = (key: string, raw: unknown): T | undefined => {
      if (raw === undefined) return undefined;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        // Never silently replace a user's data with an empty record: refuse, and say where.
        throw new AppError(
          ErrorCode.StoredValueInvalid,
          `stored value ${full(key)} does not match its schema: ${parsed.error.issues[0]?.message}`,
        );
      }
      return parsed.data;
    };
    return {
      get: async (key) =>
        validated(key, await this.guard("read", full(key), () => this.plainGet(full(key)))),
      set: async (key, value, ttlMs) => {
        const checked = schema.parse(value);
        await this.guard("write", full(key), () =>
          this.serialized(full(key), () => this.plainSet(full(key), checked, ttlMs)),
        );
      },
      delete: (key) =>
        this.guard("write", full(key), () =>
          this.serialized(full(key), () => this.plainDelete(full(key))),
        ),
      update: (key, change, ttlMs) =>
        this.guard("write", full(key), () =>
          this.atomicUpdate(full(key), (raw) => schema.parse(change(validated(key, raw))), ttlMs),
        ),
      claim: async (key, value, ttlMs) => {
        const checked = schema.parse(value);
        return this.guard("write", full(key), () => this.atomicClaim(full(key), checked, ttlMs));
      },
      keys: async (prefix) => {
        const found = await this.guard("read", full(prefix), () => this.listKeys(full(prefix)));
        return found.map((k) => k.slice(name.length + 1));
      },
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queues.values());
    await this.drain();
    await this.onClose();
  }

  /** Waits for operations a subclass queues on its own. */
  protected async drain(): Promise<void> {}

  /** The stored value, or undefined when there is none or it expired. */
  protected plainGet(fullKey: string): Promise<unknown> {
    return this.keyv.get(fullKey);
  }

  /** Stores a value (already validated). */
  protected plainSet(fullKey: string, value: unknown, ttlMs: number | undefined): Promise<void> {
    return this.confirmSet(fullKey, value, ttlMs);
  }

  /** The full keys starting with `fullPrefix` (keyv's iterator: a scan of the whole store). */
  protected async listKeys(fullPrefix: string): Promise<string[]> {
    if (!this.keyv.iterator) throw new Error("this store cannot list its keys");
    const found: string[] = [];
    for await (const [k] of this.keyv.iterator(undefined)) {
      if (typeof k === "string" && k.startsWith(fullPrefix)) found.push(k);
    }
    return found;
  }

  /** Deletes a value; true if there was one. */
  protected plainDelete(fullKey: string): Promise<boolean> {
    return this.keyv.delete(fullKey);
  }

  /** Reads the raw value, stores `change(raw)`, and returns it; atomic for this store's users. */
  protected atomicUpdate<T>(
    fullKey: string,
    change: (raw: unknown) => T,
    ttlMs: number | undefined,
  ): Promise<T> {
    return this.serialized(fullKey, async () => {
      const next = change(await this.keyv.get(fullKey));
      await this.confirmSet(fullKey, next, ttlMs);
      return next;
    });
  }

  /** Stores the value if the key is absent or expired; atomic for this store's users. */
  protected atomicClaim(fullKey: string, value: unknown, ttlMs: number | undefined) {
    return this.serialized(fullKey, async () => {
      if ((await this.keyv.get(fullKey)) !== undefined) return false;
      await this.confirmSet(fullKey, value, ttlMs);
      return true;
    });
  }

  private async confirmSet(fullKey: string, value: unknown, ttlMs: number | undefined) {
    if (!(await this.keyv.set(fullKey, value, ttlMs)))
      throw new Error("the store did not confirm the write");
  }

  /** Runs one store operation; a failure becomes `AppError(StoreUnavailable)`, reported once. */
  private async guard<R>(kind: "read" | "write", fullKey: string, work: () => Promise<R>) {
    try {
      const result = await work();
      if (kind === "write") this.ok = true;
      return result;
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.ok = false;
      const failure = new AppError(
        ErrorCode.StoreUnavailable,
        `${this.name}: could not ${kind} ${fullKey}: ${describe(error)}`,
        { cause: error },
      );
      this.options.onError?.(failure);
      throw failure;
    }
  }

  private serialized<R>(key: string, work: () => Promise<R>): Promise<R> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}

/** An error's code and message on one line, e.g. `SQLITE_FULL: database or disk is full`. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message.replace(/^SQLITE_\w+: /, "");
    return typeof code === "string" ? `${code}: ${message}` : message;
  }
  return String(error);
}

/**
 * Opens the store named by STORE_URL: `sqlite://<path>` (created on first use, relative to the
 * working directory), `memory://`, or `redis://…` / `rediss://…` (see redis-store.ts). A SQLite
 * file that cannot be opened, is read-only, damaged or not a database throws
 * `AppError(StoreUnavailable)` naming the file, what is wrong and what to do.
 *
 * @example
 * const store = await openStore("sqlite://./var/internprep.sqlite", (e) => console.error(e.message));
 */
export async function openStore(
  url: string,
  onError: (error: AppError) => void = () => {},
): Promise<Store> {
  if (/^rediss?:\/\//.test(url)) {
    const { openRedisStore } = await import("./redis-store.ts");
    return openRedisStore(url, { onError });
  }
  if (url === "memory://")
    return new KeyvStore(new Keyv(), undefined, { name: "memory store", onError });
  const { openSqliteStore } = await import("./sqlite.ts");
  return openSqliteStore(url.replace(/^sqlite:\/\//, ""), onError);
}
