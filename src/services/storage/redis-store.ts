import { createClient, type RedisClientType } from "redis";
import type { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";
import type { Collection, Store } from "./store.ts";

/** Every key this app writes starts with this, so it can share a Redis database with others. */
export const KEY_PREFIX = "internprep";
/** A command that gets no answer within this long fails (StoreUnavailable) instead of hanging. */
const COMMAND_TIMEOUT_MS = 5000;
/** How long start-up waits for Redis before giving up with a clear message. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Connection attempts at start-up (about 1.5 s in all) before giving up with a clear message. */
const START_ATTEMPTS = 5;
/** Compare-and-set rounds before `update` gives up; only reached under absurd contention. */
const MAX_UPDATE_ATTEMPTS = 200;

/**
 * Sets KEYS[1] to ARGV[2] only if it still holds ARGV[1] (ARGV[3] = "1" when it must still be
 * absent); ARGV[4] is a time to live in ms, or "0" for none. Returns 1 when it wrote.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[3] == '1' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
if ARGV[4] ~= '0' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
return 1
`;

export interface RedisStoreOptions {
  /** Told about connection errors and reconnects (they are also reflected by `healthy()`). */
  onError?: (error: AppError) => void;
  /** Per-command timeout in ms (default 5000). */
  commandTimeoutMs?: number;
}

/** Listing a collection's keys by prefix: for rare jobs (purging a workspace's data), not requests. */
export interface KeyListing {
  keys(prefix: string): Promise<string[]>;
}

/** The URL with any password replaced, safe to log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/**
 * A Store over Redis, for several app processes (replicas) sharing one data set. Keys are
 * `internprep:<collection>:<key>`; values are JSON, validated with the collection's schema on read
 * and write. `claim` is one `SET key value NX PX ttl`; `update` is a compare-and-set (a Lua script)
 * retried until no other process changed the key in between, so no update is lost across processes.
 *
 * node-redis is used for everything (not keyv + @keyv/redis for the plain reads and writes): one
 * connection, one reconnect policy and one error path, and `claim`/`update` must read and write the
 * same raw values as get/set, which keyv would wrap in its own envelope.
 *
 * While Redis is unreachable, every operation fails at once with `store_unavailable` (no offline
 * queue: a user is told "nothing changed" instead of waiting), `healthy()` is false, and the client
 * reconnects by itself.
 *
 * @example
 * const store = await openRedisStore("redis://127.0.0.1:6379/0");
 * await store.collection("progress", ProgressSchema).update("T1:U1", (old) => ({ ...old, roles: {} }));
 */
export class RedisStore implements Store {
  private readonly queues = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly client: RedisClientType,
    private readonly where: string,
  ) {}

  /** Connects; throws `store_unavailable` naming the (password-free) URL when Redis cannot be reached. */
  static async open(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const where = redactUrl(url);
    const onError = options.onError ?? (() => {});
    let connectedOnce = false;
    const client: RedisClientType = createClient({
      url,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS },
      socket: {
        connectTimeout: 2000,
        // Once connected, back off up to 1 s between attempts, forever: the app comes back by
        // itself with Redis. At start-up, a few quick attempts, then a clear error.
        reconnectStrategy: (retries, cause) =>
          !connectedOnce && retries >= START_ATTEMPTS ? cause : Math.min(50 * 2 ** retries, 1000),
      },
    });
    let reported = false;
    client.on("error", (error: unknown) => {
      // One line per outage, not one per reconnect attempt.
      if (!reported)
        onError(new AppError(ErrorCode.StoreUnavailable, `Redis at ${where}: ${String(error)}`));
      reported = true;
    });
    client.on("ready", () => {
      connectedOnce = true;
      reported = false;
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
            CONNECT_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      if (client.isOpen) client.destroy();
      throw new AppError(
        ErrorCode.StoreUnavailable,
        `cannot reach Redis at ${where} (STORE_URL): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    return new RedisStore(client, where);
  }

  healthy(): boolean {
    return this.client.isReady;
  }

  collection<T>(name: string, schema: z.ZodType<T>): Collection<T> & KeyListing {
    const full = (key: string) => `${KEY_PREFIX}:${name}:${key}`;
    const label = (key: string) => `${name}:${key}`;
    const decode = (key: string, raw: string | null): T | undefined => {
      if (raw === null) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = Symbol("not JSON");
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        // Never silently replace a user's data with an empty record: refuse, and say where.
        throw new AppError(
          ErrorCode.StoredValueInvalid,
          `stored value ${label(key)} does not match its schema: ${parsed.error.issues[0]?.message}`,
        );
      }
      return parsed.data;
    };
    const encode = (value: T) => JSON.stringify(schema.parse(value));
    const ttl = (ttlMs: number | undefined) =>
      ttlMs !== undefined && ttlMs > 0 ? Math.max(1, Math.ceil(ttlMs)) : undefined;

    const collection: Collection<T> & KeyListing = {
      get: (key) => this.command(async () => decode(key, await this.client.get(full(key)))),
      set: async (key, value, ttlMs) => {
        const raw = encode(value);
        const px = ttl(ttlMs);
        return this.command(async () => {
          await this.client.set(
            full(key),
            raw,
            px ? { expiration: { type: "PX", value: px } } : {},
          );
        });
      },
      delete: (key) => this.command(async () => (await this.client.del(full(key))) > 0),
      claim: async (key, value, ttlMs) => {
        const raw = encode(value);
        const px = ttl(ttlMs);
        return this.command(async () => {
          const reply = await this.client.set(full(key), raw, {
            condition: "NX",
            ...(px ? { expiration: { type: "PX", value: px } } : {}),
          });
          return reply === "OK";
        });
      },
      update: (key, change, ttlMs) =>
        // Serialized per key within this process first, so its own callers do not race each
        // other's compare-and-set; across processes the compare-and-set decides.
        this.serialized(full(key), async () => {
          for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
            const raw = await this.command(() => this.client.get(full(key)));
            const next = change(decode(key, raw));
            const written = await this.command(() =>
              this.client.eval(COMPARE_AND_SET, {
                keys: [full(key)],
                arguments: [
                  raw ?? "",
                  encode(next),
                  raw === null ? "1" : "0",
                  String(ttl(ttlMs) ?? 0),
                ],
              }),
            );
            if (written === 1) return next;
          }
          throw new AppError(
            ErrorCode.StoreUnavailable,
            `could not update ${label(key)}: it kept changing under ${MAX_UPDATE_ATTEMPTS} attempts`,
          );
        }),
      keys: (prefix) =>
        this.command(async () => {
          // SCAN, never KEYS: it does not block Redis for other replicas while it walks the keys.
          const match = `${full(prefix).replace(/[*?[\]\\]/g, "\\$&")}*`;
          const found = new Set<string>();
          for await (const batch of this.client.scanIterator({ MATCH: match, COUNT: 1000 })) {
            for (const k of batch) found.add(k.slice(full("").length));
          }
          return [...found];
        }),
    };
    return collection;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queues.values());
    if (this.client.isOpen && this.client.isReady) {
      await this.client.close();
    } else if (this.client.isOpen) {
      // Reconnecting: nothing to flush, and close() would wait for a connection that may not come.
      this.client.destroy();
    }
  }

  /** Runs one Redis call, turning a connection problem into `store_unavailable`. */
  private async command<R>(work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        ErrorCode.StoreUnavailable,
        `Redis at ${this.where} is unavailable: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
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

/**
 * Opens the Redis store named by `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS).
 *
 * @example
 * const store = await openRedisStore("rediss://app:secret@redis.internal:6380/2");
 */
export function openRedisStore(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
  return RedisStore.open(url, options);
}
