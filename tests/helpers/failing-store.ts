import type { Collection, Store } from "../../src/services/storage/store.ts";

/**
 * How the wrapped store fails: `throw` — every operation rejects (a store that reports failure);
 * `silent` — as keyv does with a full disk: writes are dropped, reads find nothing, and `claim`
 * says it stored the value.
 */
export type FailureMode = "throw" | "silent";

/**
 * A store that works until `fail()` is called, then fails like a full disk, until `heal()`.
 * Counts the operations that reached each collection.
 *
 * @example
 * const store = failingStore(await openStore("memory://"));
 * store.fail("throw");
 */
export function failingStore(inner: Store) {
  let mode: FailureMode | undefined;
  const calls = new Map<string, number>();
  const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
  const diskFull = () => Promise.reject(new Error("SQLITE_FULL: database or disk is full"));
  const wrap = <T>(name: string, real: Collection<T>): Collection<T> => ({
    get: (key) => {
      count(name);
      if (mode === "throw") return diskFull();
      return mode === "silent" ? Promise.resolve(undefined) : real.get(key);
    },
    set: (key, value, ttl) => {
      count(name);
      if (mode === "throw") return diskFull();
      return mode === "silent" ? Promise.resolve() : real.set(key, value, ttl);
    },
    delete: (key) => {
      count(name);
      if (mode === "throw") return diskFull();
      return mode === "silent" ? Promise.resolve(false) : real.delete(key);
    },
    update: (key, change, ttl) => {
      count(name);
      if (mode === "throw") return diskFull();
      return mode === "silent" ? Promise.resolve(change(undefined)) : real.update(key, change, ttl);
    },
    claim: (key, value, ttl) => {
      count(name);
      if (mode === "throw") return diskFull();
      return mode === "silent" ? Promise.resolve(true) : real.claim(key, value, ttl);
    },
    keys: (prefix) => {
      count(name);
      if (mode === "throw") return diskFull();
      return mode === "silent" ? Promise.resolve([]) : real.keys(prefix);
    },
  });
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "collection") {
        return <T>(name: string, schema: Parameters<Store["collection"]>[1]) =>
          wrap(name, target.collection(name, schema) as Collection<T>);
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    store,
    /** How many operations reached a collection (e.g. "deliveries"). */
    callsTo: (name: string) => calls.get(name) ?? 0,
    fail(how: FailureMode = "throw") {
      mode = how;
    },
    heal() {
      mode = undefined;
    },
  };
}
