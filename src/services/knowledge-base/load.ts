import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";
import { displayText, KnowledgeBase } from "./knowledge-base.ts";
import {
  type Entry,
  type EntryKind,
  KnowledgeFileSchema,
  OffTopicSchema,
  SECTION_TEXT_LIMIT,
  type SynonymGroup,
  SynonymGroupSchema,
  sections,
} from "./schema.ts";

/** One thing wrong with the knowledge base, pointing at the file, entry and field. */
export interface Problem {
  file: string;
  entry: string;
  field: string;
  message: string;
}

/** `file: entry-id: field: message`, the format `npm run kb:check` prints. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${problem.entry}: ${problem.field}: ${problem.message}`;
}

/** Thrown when the knowledge base is invalid; `problems` says where. */
export class KnowledgeBaseError extends AppError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const shown = problems.slice(0, 20).map(formatProblem).join("\n  ");
    const more = problems.length > 20 ? `\n  …and ${problems.length - 20} more` : "";
    super(
      ErrorCode.KnowledgeBaseInvalid,
      `The knowledge base has ${problems.length} problem(s):\n  ${shown}${more}`,
    );
    this.problems = problems;
  }
}

interface Located {
  entry: Entry;
  file: string;
}

interface LocatedSynonyms {
  group: SynonymGroup;
  file: string;
}

interface LocatedOffTopic {
  question: string;
  file: string;
}

const EXTENSIONS = new Set([".yml", ".yaml"]);

async function listYamlFiles(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found
    .filter((d) => d.isFile() && EXTENSIONS.has(path.extname(d.name)))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

function fieldPath(issuePath: readonly PropertyKey[]): string {
  return issuePath.length === 0 ? "(entry)" : issuePath.map(String).join(".");
}

/** The YAML parser, loaded only when a file is parsed (start-up from the snapshot needs none). */
let yaml: typeof import("yaml") | undefined;

/**
 * Loads the YAML parser. In the compiled app (dist/) the package, CommonJS, is a chunk of its own
 * whose exports all come as its default export; run from source, Node gives them by name.
 */
async function loadYaml(): Promise<typeof import("yaml")> {
  const loaded = (await import("yaml")) as typeof import("yaml") & {
    default?: typeof import("yaml");
  };
  return typeof loaded.parse === "function" ? loaded : (loaded.default as typeof import("yaml"));
}

/** Parses one file into entries, collecting problems instead of stopping at the first. */
function parseFile(
  file: string,
  source: string,
  problems: Problem[],
  invalidIds?: Map<string, EntryKind>,
  synonyms: SynonymGroup[] = [],
  offTopic: string[] = [],
): Entry[] {
  let raw: unknown;
  try {
    if (!yaml) throw new Error("the YAML parser is not loaded");
    raw = yaml.parse(source);
  } catch (error) {
    const message =
      yaml && error instanceof yaml.YAMLParseError ? error.message.split("\n")[0] : String(error);
    problems.push({ file, entry: "(file)", field: "(yaml)", message: message ?? "invalid YAML" });
    return [];
  }
  if (raw === null || raw === undefined) return [];
  const shape = KnowledgeFileSchema.safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      problems.push({
        file,
        entry: "(file)",
        field: fieldPath(issue.path),
        message: issue.message,
      });
    }
    return [];
  }
  const entries: Entry[] = [];
  for (const [key, { kind, schema }] of Object.entries(sections)) {
    const items = shape.data[key as keyof typeof sections] ?? [];
    items.forEach((item, index) => {
      const parsed = (schema as z.ZodType).safeParse(item);
      const rawId = (item as { id?: unknown } | null)?.id;
      const label = typeof rawId === "string" && rawId ? rawId : `${key}[${index}]`;
      if (!parsed.success) {
        // Remember the id so references to this (invalid) entry are not reported twice.
        if (typeof rawId === "string" && rawId) invalidIds?.set(rawId, kind);
        for (const issue of parsed.error.issues) {
          problems.push({
            file,
            entry: label,
            field: fieldPath(issue.path),
            message: issue.message,
          });
        }
        return;
      }
      entries.push({ kind, ...(parsed.data as object) } as Entry);
    });
  }
  (shape.data.synonyms ?? []).forEach((item, index) => {
    const parsed = SynonymGroupSchema.safeParse(item);
    if (parsed.success) {
      synonyms.push(parsed.data);
      return;
    }
    const rawId = (item as { id?: unknown } | null)?.id;
    const label = typeof rawId === "string" && rawId ? rawId : `synonyms[${index}]`;
    for (const issue of parsed.error.issues) {
      problems.push({ file, entry: label, field: fieldPath(issue.path), message: issue.message });
    }
  });
  (shape.data.offTopic ?? []).forEach((item, index) => {
    const parsed = OffTopicSchema.safeParse(item);
    if (parsed.success) offTopic.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        problems.push({
          file,
          entry: `offTopic[${index}]`,
          field: "(question)",
          message: issue.message,
        });
  });
  return entries;
}

/** A term appears in one synonym group only, or search could not tell which it means. */
function checkSynonyms(located: readonly LocatedSynonyms[], problems: Problem[]): void {
  const owners = new Map<string, string>();
  for (const { group, file } of located) {
    group.terms.forEach((term, i) => {
      const key = normalized(term);
      const holder = owners.get(key);
      if (holder && holder !== group.id) {
        problems.push({
          file,
          entry: group.id,
          field: `terms.${i}`,
          message: `"${term}" is already a term of synonym group ${holder}`,
        });
      } else {
        owners.set(key, group.id);
      }
    });
  }
}

/**
 * An off-topic question must not also be one of ours: a FAQ's title or phrasing said the same
 * way would make search decline the very question the entry answers.
 */
function checkOffTopic(
  offTopic: readonly LocatedOffTopic[],
  located: readonly Located[],
  problems: Problem[],
): void {
  const ours = new Map<string, string>();
  for (const { entry } of located) {
    if (entry.kind !== "faq") continue;
    for (const text of [entry.title, ...entry.phrasings]) ours.set(normalized(text), entry.id);
  }
  offTopic.forEach(({ question, file }, index) => {
    const owner = ours.get(normalized(question));
    if (owner)
      problems.push({
        file,
        entry: `offTopic[${index}]`,
        field: "(question)",
        message: `"${question}" is also a phrasing of ${owner}`,
      });
  });
}

function normalized(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Cross-entry checks: references, uniqueness of names students type, rendered length. */
function checkMerged(
  located: readonly Located[],
  invalidIds: ReadonlyMap<string, EntryKind>,
  problems: Problem[],
): void {
  const ids = new Map<string, EntryKind>(invalidIds);
  for (const { entry } of located) ids.set(entry.id, entry.kind);
  const claimed = new Map<string, string>();
  const claim = (scope: string, value: string, owner: Located, field: string) => {
    const key = `${scope}:${normalized(value)}`;
    const holder = claimed.get(key);
    if (holder && holder !== owner.entry.id) {
      problems.push({
        file: owner.file,
        entry: owner.entry.id,
        field,
        message: `"${value}" is already used by ${holder}`,
      });
    } else {
      claimed.set(key, owner.entry.id);
    }
  };
  const ref = (owner: Located, field: string, target: string, kind: "role" | "topic") => {
    if (ids.get(target) !== kind) {
      problems.push({
        file: owner.file,
        entry: owner.entry.id,
        field,
        message: `unknown ${kind} "${target}"`,
      });
    }
  };

  const refs = (
    owner: Located,
    field: string,
    targets: readonly string[],
    kind: "role" | "topic",
  ) => {
    for (const [i, target] of targets.entries()) ref(owner, `${field}.${i}`, target, kind);
  };

  for (const item of located) {
    const { entry } = item;
    switch (entry.kind) {
      case "role": {
        for (const [i, name] of [entry.title, ...entry.aliases].entries()) {
          claim("role", name, item, i === 0 ? "title" : `aliases.${i - 1}`);
        }
        const seen = new Set<string>();
        entry.checklist.forEach((skill, i) => {
          if (seen.has(skill.id)) {
            problems.push({
              file: item.file,
              entry: entry.id,
              field: `checklist.${i}.id`,
              message: `duplicate checklist item id "${skill.id}"`,
            });
          }
          seen.add(skill.id);
        });
        break;
      }
      case "topic":
        for (const [i, name] of [entry.title, ...entry.aliases].entries()) {
          claim("topic", name, item, i === 0 ? "title" : `aliases.${i - 1}`);
        }
        refs(item, "roles", entry.roles, "role");
        break;
      case "faq":
        for (const [i, p] of entry.phrasings.entries()) claim("faq", p, item, `phrasings.${i}`);
        refs(item, "topics", entry.topics, "topic");
        refs(item, "roles", entry.roles, "role");
        break;
      case "prompt":
        ref(item, "topic", entry.topic, "topic");
        refs(item, "roles", entry.roles, "role");
        break;
    }
    const shown = displayText(entry);
    if (shown.length > SECTION_TEXT_LIMIT) {
      problems.push({
        file: item.file,
        entry: entry.id,
        field: "(shown text)",
        message: `is ${shown.length} characters; Slack shows at most ${SECTION_TEXT_LIMIT} in one section`,
      });
    }
  }
}

export interface LoadOptions {
  /** Folders to read, in order; an entry in a later folder replaces one with the same id. */
  dirs: readonly string[];
}

interface Collected {
  problems: Problem[];
  merged: Map<string, Located>;
  invalidIds: Map<string, EntryKind>;
  mergedSynonyms: Map<string, LocatedSynonyms>;
  /** Every folder's off-topic questions, the bundled ones first. */
  offTopic: LocatedOffTopic[];
}

/** Reads and validates the YAML files of one folder into `into`, later folders replacing entries. */
async function collectDir(dir: string, into: Collected): Promise<void> {
  const { problems, merged, invalidIds, mergedSynonyms, offTopic } = into;
  let files: string[];
  try {
    files = await listYamlFiles(dir);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "folder not found" : String(error);
    problems.push({ file: dir, entry: "(folder)", field: "(folder)", message: reason });
    return;
  }
  const inThisDir = new Map<string, string>();
  const synonymsInThisDir = new Map<string, string>();
  if (files.length > 0) yaml ??= await loadYaml();
  for (const absolute of files) {
    const file = path.relative(process.cwd(), absolute) || absolute;
    const groups: SynonymGroup[] = [];
    const questions: string[] = [];
    const entries = parseFile(
      file,
      await readFile(absolute, "utf8"),
      problems,
      invalidIds,
      groups,
      questions,
    );
    for (const question of questions) offTopic.push({ question, file });
    for (const group of groups) {
      const earlier = synonymsInThisDir.get(group.id);
      if (earlier) {
        problems.push({
          file,
          entry: group.id,
          field: "id",
          message: `duplicate synonym group, also defined in ${earlier}`,
        });
        continue;
      }
      synonymsInThisDir.set(group.id, file);
      // An organizer's folder replaces a bundled group of the same id.
      mergedSynonyms.set(group.id, { group, file });
    }
    for (const entry of entries) {
      const earlier = inThisDir.get(entry.id);
      if (earlier) {
        problems.push({
          file,
          entry: entry.id,
          field: "id",
          message: `duplicate id, also defined in ${earlier}`,
        });
        continue;
      }
      inThisDir.set(entry.id, file);
      merged.set(entry.id, { entry, file });
    }
  }
}

/** Reads `dirs` over an already checked base (empty, or a snapshot), then checks the merged result. */
async function collect(dirs: readonly string[], base?: Snapshot): Promise<Collected> {
  const into: Collected = {
    problems: [],
    merged: new Map((base?.entries ?? []).map((l) => [l.entry.id, l])),
    invalidIds: new Map(),
    mergedSynonyms: new Map((base?.synonyms ?? []).map((s) => [s.group.id, s])),
    offTopic: [...(base?.offTopic ?? [])],
  };
  for (const dir of dirs) await collectDir(dir, into);
  checkMerged([...into.merged.values()], into.invalidIds, into.problems);
  checkOffTopic(into.offTopic, [...into.merged.values()], into.problems);
  checkSynonyms([...into.mergedSynonyms.values()], into.problems);
  return into;
}

const knowledgeBaseOf = (c: Pick<Collected, "merged" | "mergedSynonyms" | "offTopic">) =>
  new KnowledgeBase(
    [...c.merged.values()].map((l) => l.entry),
    [...c.mergedSynonyms.values()].map((s) => s.group),
    c.offTopic.map((o) => o.question),
  );

/**
 * Reads and validates every YAML file under the given folders and returns all problems found
 * (empty when the knowledge base is valid) together with the merged knowledge base.
 *
 * @example
 * const { problems } = await checkKnowledgeBase({ dirs: ["data", process.env.KB_DIR] });
 */
export async function checkKnowledgeBase(
  options: LoadOptions,
): Promise<{ kb: KnowledgeBase; problems: Problem[] }> {
  const collected = await collect(options.dirs);
  return { kb: knowledgeBaseOf(collected), problems: collected.problems };
}

/**
 * A checked copy of one folder's knowledge base, written by `npm run build`, so that start-up
 * does not parse and validate the bundled YAML again. `digest` is that of the files it was made
 * from; a snapshot whose digest no longer matches the folder is ignored.
 */
export interface Snapshot {
  digest: string;
  entries: Located[];
  synonyms: LocatedSynonyms[];
  offTopic: LocatedOffTopic[];
}

/** A digest of a folder's YAML files: their paths and contents. */
export async function digestOf(dir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const file of await listYamlFiles(dir)) {
    hash.update(`${path.relative(dir, file)}\0`);
    hash.update(await readFile(file));
  }
  return hash.digest("hex");
}

/**
 * Validates one folder and writes its snapshot to `file`; writes nothing when it has problems.
 *
 * @example
 * const problems = await writeSnapshot(BUNDLED_KB_DIR, BUNDLED_KB_SNAPSHOT);
 */
export async function writeSnapshot(dir: string, file: string): Promise<Problem[]> {
  const [collected, digest] = await Promise.all([collect([dir]), digestOf(dir)]);
  if (collected.problems.length > 0) return collected.problems;
  const snapshot: Snapshot = {
    digest,
    entries: [...collected.merged.values()],
    synonyms: [...collected.mergedSynonyms.values()],
    offTopic: collected.offTopic,
  };
  await mkdir(path.dirname(file), { recursive: true });
  // Written aside, then renamed over: an app starting meanwhile reads the old snapshot or the new.
  const written = `${file}.${process.pid}.tmp`;
  await writeFile(written, JSON.stringify(snapshot));
  await rename(written, file);
  return [];
}

/** The snapshot of `dir` in `file`, if there is one and it was made from the folder as it is now. */
async function readSnapshot(file: string, dir: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  // Not re-validated: the build wrote it only after validating these exact files (the digest).
  const snapshot = JSON.parse(text) as Snapshot;
  return snapshot.digest === (await digestOf(dir)) ? snapshot : undefined;
}

export interface LoadKnowledgeBaseOptions extends LoadOptions {
  /**
   * A snapshot of the first folder (see `writeSnapshot`): when it matches the folder, only the
   * other folders are parsed and validated, and then checked merged with it.
   */
  snapshot?: string;
}

/**
 * Loads the knowledge base, refusing an invalid one.
 *
 * @throws {KnowledgeBaseError} listing every problem when any file is invalid.
 * @example
 * const kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR], snapshot: BUNDLED_KB_SNAPSHOT });
 */
export async function loadKnowledgeBase(options: LoadKnowledgeBaseOptions): Promise<KnowledgeBase> {
  const [first, ...rest] = options.dirs;
  const base =
    options.snapshot && first !== undefined
      ? await readSnapshot(options.snapshot, first)
      : undefined;
  if (base && rest.length === 0) {
    return knowledgeBaseOf({
      merged: new Map(base.entries.map((l) => [l.entry.id, l])),
      mergedSynonyms: new Map(base.synonyms.map((s) => [s.group.id, s])),
      offTopic: base.offTopic ?? [],
    });
  }
  const collected = base ? await collect(rest, base) : await collect(options.dirs);
  if (collected.problems.length > 0) throw new KnowledgeBaseError(collected.problems);
  return knowledgeBaseOf(collected);
}

/** The folder holding package.json: the repository, whether running from src/ or dist/. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}

const ROOT = packageRoot(import.meta.dirname);

/** The knowledge base that ships with the app. */
export const BUNDLED_KB_DIR = path.join(ROOT, "data");

/** The checked snapshot of BUNDLED_KB_DIR that `npm run build` writes. */
export const BUNDLED_KB_SNAPSHOT = path.join(ROOT, "dist", "kb-snapshot.json");
