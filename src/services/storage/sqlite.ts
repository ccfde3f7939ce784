import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import path from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import sqlite3 from "sqlite3";
import { AppError, ErrorCode } from "../../errors.ts";
import { describe, KeyvStore } from "./store.ts";

/** The table and key prefix @keyv/sqlite and keyv use, so both see the same rows. */
const TABLE = "keyv";
const NAMESPACE = "keyv";
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT )`;
const BUSY_TIMEOUT_MS = 5000;

/** Claims written by one statement at most (two parameters each, far below SQLite's limit). */
const MAX_CLAIMS_PER_STATEMENT = 500;

/**
 * Stores each row unless its key holds one that has not expired, and returns the keys it stored.
 * One statement, so all of it is written or none, with one sync to disk.
 */
function claimStatement(rows: number): string {
  return `INSERT INTO ${TABLE} (key, value) VALUES ${Array(rows).fill("(?, ?)").join(", ")}
    ON CONFLICT(key) DO UPDATE SET value = excluded.value
    WHERE json_extract(${TABLE}.value, '$.expires') < ?
    RETURNING key`;
}

/**
 * How many distinct keys one read statement asks for: one of these sizes, each prepared once (a
 * batch is padded to the next size by repeating a key). More keys wait for the next statement.
 */
const READ_BATCH_SIZES = [1, 4, 16, 64] as const;

/** A row of the table, as a read returns it. */
interface Row {
  key: string;
  value: string;
}

/** A read waiting for its batch. */
interface PendingRead {
  key: string;
  resolve(value: string | undefined): void;
  reject(error: unknown): void;
}

/** A claim waiting for its batch to be written. */
interface PendingClaim {
  key: string;
  row: string;
  resolve(won: boolean): void;
  reject(error: unknown): void;
}

/** A promise-returning handle on one sqlite3 connection. */
class Connection {
  private readonly statements: sqlite3.Statement[] = [];

  private constructor(private readonly db: sqlite3.Database) {}

  static open(file: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, (error) => {
        if (error) reject(error);
        else {
          db.configure("busyTimeout", BUSY_TIMEOUT_MS);
          // Statements run in the order they are issued, so a transaction's statements can be
          // issued together (one wait instead of one per statement).
          db.serialize();
          resolve(new Connection(db));
        }
      });
    });
  }

  run(sql: string, ...params: unknown[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve(this.changes);
      });
    });
  }

  all<R>(sql: string, ...params: unknown[]): Promise<R[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (error: Error | null, rows: R[]) =>
        error ? reject(error) : resolve(rows),
      );
    });
  }

  /**
   * Prepares `sql` once; the function returned runs it with fresh parameters and resolves with its
   * rows (one trip to SQLite's thread, no statement compiled per call).
   */
  prepareAll<R>(sql: string): (...params: unknown[]) => Promise<R[]> {
    const statement = this.db.prepare(sql);
    this.statements.push(statement);
    return (...params) =>
      new Promise((resolve, reject) => {
        statement.all(params, (error: Error | null, rows: R[]) =>
          error ? reject(error) : resolve(rows),
        );
      });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.statements.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))),
    );
    return new Promise((resolve, reject) =>
      this.db.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

/**
 * The SQLite store: a connection of its own for reads (one prepared statement), and one for
 * writes: `claim` (an `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement, one for the
 * claims made alongside it) and `update` (a `BEGIN IMMEDIATE` transaction) are atomic between
 * processes sharing the file. Plain writes go through that connection too: a write on keyv's
 * connection would wait on this process's own transactions in SQLite's busy handler (sleeping up
 * to 100 ms at a time). Rows stay exactly as keyv writes them (same table, key prefix and
 * serialization), so keyv reads them.
 */
class SqliteStore extends KeyvStore {
  /** One transaction at a time on the store's own connection. */
  private turn: Promise<unknown> = Promise.resolve();
  /** Claims waiting for the next group commit. */
  private claims: PendingClaim[] = [];
  /** Reads waiting for the read under way to end; they go together in the next statement. */
  private reads: PendingRead[] = [];
  private reading = false;
  /** `SELECT … WHERE key IN (…)` for each of READ_BATCH_SIZES keys, by size. */
  private readonly readRows: Map<number, (...keys: string[]) => Promise<Row[]>>;

  constructor(
    keyv: Keyv,
    private readonly own: Connection,
    reader: Connection,
    close: () => Promise<void>,
    options: ConstructorParameters<typeof KeyvStore>[2],
  ) {
    super(keyv, close, options);
    this.readRows = new Map(
      READ_BATCH_SIZES.map((size) => [
        size,
        reader.prepareAll<Row>(
          `SELECT key, value FROM ${TABLE} WHERE key IN (${Array(size).fill("?").join(", ")})`,
        ),
      ]),
    );
  }

  /**
   * Reads with statements prepared once, on a connection of its own (in write-ahead-log mode a
   * read never waits for a write). As keyv does, an expired row reads as nothing and is deleted
   * (unless claimed again meanwhile).
   */
  protected override async plainGet(fullKey: string): Promise<unknown> {
    const key = `${NAMESPACE}:${fullKey}`;
    const value = await this.readRow(key);
    const stored = value !== undefined ? await this.codec().deserialize(value) : undefined;
    if (stored === undefined || stored === null) return undefined;
    const now = Date.now();
    if (typeof stored.expires === "number" && now > stored.expires) {
      await this.exclusively(() =>
        this.own.run(
          `DELETE FROM ${TABLE} WHERE key = ? AND json_extract(value, '$.expires') < ?`,
          key,
          now,
        ),
      );
      return undefined;
    }
    return stored.value;
  }

  /**
   * Reads are grouped: the ones asked for while a read is under way go together in the next
   * statement, so a burst of requests costs one trip to SQLite's thread instead of one each (one
   * at a time, each waiting for the event loop's next turn, they capped the requests answered per
   * second). A read never waits for anything but the read before it.
   */
  private readRow(key: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.reads.push({ key, resolve, reject });
      if (!this.reading) this.readBatch();
    });
  }

  private readBatch(): void {
    const largest = READ_BATCH_SIZES[READ_BATCH_SIZES.length - 1] as number;
    const keys: string[] = [];
    let taken = 0;
    for (const read of this.reads) {
      if (!keys.includes(read.key)) {
        if (keys.length === largest) break;
        keys.push(read.key);
      }
      taken++;
    }
    const batch = this.reads.splice(0, taken);
    const size = READ_BATCH_SIZES.find((n) => n >= keys.length) as number;
    const padded = [...keys, ...Array<string>(size - keys.length).fill(keys[0] as string)];
    const read = this.readRows.get(size) as (...keys: string[]) => Promise<Row[]>;
    this.reading = true;
    read(...padded)
      .then(
        (rows) => {
          const values = new Map(rows.map((row) => [row.key, row.value]));
          for (const pending of batch) pending.resolve(values.get(pending.key));
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        this.reading = false;
        if (this.reads.length > 0) this.readBatch();
      });
  }

  /**
   * Claims are group-committed: those made in the same tick, or while the connection is busy
   * with earlier work, are written by one statement, so a burst of events costs one sync to disk
   * (and one trip to SQLite's thread) instead of one each.
   */
  protected override async atomicClaim(fullKey: string, value: unknown, ttlMs: number | undefined) {
    const row = await this.serialize(value, ttlMs, Date.now());
    return new Promise<boolean>((resolve, reject) => {
      this.claims.push({ key: `${NAMESPACE}:${fullKey}`, row, resolve, reject });
      if (this.claims.length === 1) this.writeClaimsSoon();
    });
  }

  private writeClaimsSoon(): void {
    void this.exclusively(async () => {
      // Let the rest of this tick's claims (e.g. a burst of events read in one go) join.
      await new Promise((next) => setImmediate(next));
      const batch = this.claims.splice(0, MAX_CLAIMS_PER_STATEMENT);
      if (this.claims.length > 0) this.writeClaimsSoon();
      await this.writeClaims(batch);
    });
  }

  /**
   * Writes a batch of claims with one statement. All or nothing: if it fails, every claim of the
   * batch fails with its error (each caller is told nothing was stored, and nothing is). Of two
   * claims of one key in a batch, the first is written and the second loses to it.
   */
  private async writeClaims(batch: readonly PendingClaim[]): Promise<void> {
    const first = new Map<string, PendingClaim>();
    for (const claim of batch) if (!first.has(claim.key)) first.set(claim.key, claim);
    const rows = [...first.values()];
    try {
      const stored = await this.own.all<{ key: string }>(
        claimStatement(rows.length),
        ...rows.flatMap((claim) => [claim.key, claim.row]),
        Date.now(),
      );
      const won = new Set(stored.map((r) => r.key));
      for (const claim of batch)
        claim.resolve(first.get(claim.key) === claim && won.has(claim.key));
    } catch (error) {
      for (const claim of batch) claim.reject(error);
    }
  }

  protected override async drain(): Promise<void> {
    await this.turn;
  }

  protected override plainSet(fullKey: string, value: unknown, ttlMs: number | undefined) {
    return this.exclusively(async () => {
      await this.own.run(
        `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        `${NAMESPACE}:${fullKey}`,
        await this.serialize(value, ttlMs, Date.now()),
      );
    });
  }

  /** One range query on the key's index (no LIKE, so `%` or `_` in a key need no escaping). */
  protected override async listKeys(fullPrefix: string): Promise<string[]> {
    const from = `${NAMESPACE}:${fullPrefix}`;
    const rows = await this.own.all<{ key: string }>(
      `SELECT key FROM ${TABLE} WHERE key >= ? AND key < ?`,
      from,
      `${from}\uffff`,
    );
    return rows.map((row) => row.key.slice(NAMESPACE.length + 1));
  }

  protected override plainDelete(fullKey: string) {
    return this.exclusively(
      async () =>
        (await this.own.run(`DELETE FROM ${TABLE} WHERE key = ?`, `${NAMESPACE}:${fullKey}`)) > 0,
    );
  }

  protected override atomicUpdate<T>(
    fullKey: string,
    change: (raw: unknown) => T,
    ttlMs: number | undefined,
  ): Promise<T> {
    return this.exclusively(async () => {
      const begun = this.own.run("BEGIN IMMEDIATE");
      const read = this.own.all<{ value: string }>(
        `SELECT value FROM ${TABLE} WHERE key = ?`,
        `${NAMESPACE}:${fullKey}`,
      );
      try {
        await begun;
      } catch (error) {
        await read.catch(() => undefined);
        throw error;
      }
      try {
        const now = Date.now();
        const [row] = await read;
        const stored = row ? await this.codec().deserialize(row.value) : undefined;
        const live =
          stored && !(typeof stored.expires === "number" && now > stored.expires)
            ? stored.value
            : undefined;
        const next = change(live);
        const written = this.own.run(
          `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
          `${NAMESPACE}:${fullKey}`,
          await this.serialize(next, ttlMs, now),
        );
        const committed = this.own.run("COMMIT");
        await written;
        await committed;
        return next;
      } catch (error) {
        await this.own.run("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  private async serialize(value: unknown, ttlMs: number | undefined, now: number) {
    const expires = ttlMs ? now + ttlMs : undefined;
    return this.codec().serialize({ value, expires });
  }

  /** keyv's own (de)serialization, so keyv reads what this writes and the other way round. */
  private codec() {
    const { serialize, deserialize } = this.keyv;
    if (!serialize || !deserialize) throw new Error("keyv has no serializer");
    return { serialize, deserialize };
  }

  private exclusively<R>(work: () => Promise<R>): Promise<R> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => undefined);
    return next;
  }
}

/**
 * Opens (creating if needed) the SQLite store at `file`, checking that it is a healthy database
 * the app can write to. Otherwise throws `AppError(StoreUnavailable)` with one message naming the
 * file, what is wrong and what to do.
 */
export async function openSqliteStore(
  file: string,
  onError: (error: AppError) => void,
): Promise<KeyvStore> {
  const inMemory = file === ":memory:";
  const where = inMemory ? file : path.resolve(file);
  let own: Connection | undefined;
  let reader: Connection | undefined;
  try {
    if (!inMemory) await mkdir(path.dirname(where), { recursive: true });
    own = await Connection.open(file);
    // Write-ahead logging: ~44 µs per write here instead of ~930 µs with the default journal.
    await own.run("PRAGMA journal_mode=WAL");
    await own.run(CREATE_TABLE);
    const check = await own.all<{ quick_check: string }>("PRAGMA quick_check");
    if (check[0]?.quick_check !== "ok") {
      throw Object.assign(new Error(check.map((r) => r.quick_check).join("; ")), {
        code: "SQLITE_CORRUPT",
      });
    }
    // A file we may read but not write (read-only file, folder or disk) fails here, not later.
    await own.run("BEGIN IMMEDIATE");
    await own.run(`INSERT OR REPLACE INTO ${TABLE} (key, value) VALUES ('keyv:store:open', '{}')`);
    await own.run("ROLLBACK");
    // An in-memory database is private to its connection: there, reads share the writer's.
    reader = inMemory ? own : await Connection.open(file);
  } catch (error) {
    await own?.close().catch(() => undefined);
    const readOnly = (await writable(where)) === false ? { code: "SQLITE_READONLY" } : error;
    throw new AppError(ErrorCode.StoreUnavailable, openProblem(where, readOnly), { cause: error });
  }
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: BUSY_TIMEOUT_MS });
  const keyv = new Keyv({ store: adapter, namespace: NAMESPACE });
  const [opened, reading] = [own, reader];
  return new SqliteStore(
    keyv,
    opened,
    reading,
    async () => {
      await adapter.close();
      if (reading !== opened) await reading.close();
      await opened.close();
    },
    { name: `sqlite store ${where}`, onError },
  );
}

/** False when the file (or, for a new file, its folder) exists and this process may not write it. */
async function writable(file: string): Promise<boolean | undefined> {
  for (const target of [file, path.dirname(file)]) {
    try {
      await access(target, constants.W_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") return false;
    }
  }
  return undefined;
}

/** What is wrong with a store file that could not be opened, and what to do about it. */
export function openProblem(file: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const base = path.basename(file);
  switch (code) {
    case "SQLITE_READONLY":
    case "SQLITE_PERM":
    case "EACCES":
      return `The store file ${file} is read-only: InternPrep must write to it (and create ${base}-wal and ${base}-shm beside it). Give the user running the app write permission on the file and its folder (e.g. chmod u+w), or set STORE_URL to a writable path.`;
    case "SQLITE_CANTOPEN":
      return `The store file ${file} cannot be opened: its folder is missing or not writable, or the path is a folder. Give the user running the app write permission on the folder, or set STORE_URL to a writable path (e.g. sqlite://./var/internprep.sqlite).`;
    case "SQLITE_CORRUPT":
      return `The store file ${file} is damaged (SQLite found corrupt pages). Stop the app, move ${base} and its -wal/-shm files aside and restore a backup; or move them aside to start with an empty store.`;
    case "SQLITE_NOTADB":
      return `The store file ${file} is not an SQLite database (STORE_URL points at some other kind of file). Set STORE_URL to the store's file, or to a new path to start with an empty store.`;
    case "SQLITE_FULL":
      return `The store file ${file} cannot be written: the disk is full. Free some space, then start the app again.`;
    default:
      return `The store file ${file} cannot be used: ${describe(error)}. Check STORE_URL and the file's permissions.`;
  }
}
