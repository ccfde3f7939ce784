import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KEPT, TEAM_DATA } from "../../src/services/installations/retention.ts";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Every .ts file under src/, with its path relative to the repository (e.g. `src/app.ts`). */
function sources(dir = SRC): Array<{ file: string; text: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    if (!entry.name.endsWith(".ts")) return [];
    return [{ file: path.relative(path.join(SRC, ".."), full), text: readFileSync(full, "utf8") }];
  });
}

/**
 * What src/ opens with `.collection(…)`: each literal name with the files naming it, and every
 * call whose name is not a string literal (which no test could check), as `file: code`.
 */
export function collectionsInSource(): { names: Map<string, string[]>; unnamed: string[] } {
  const names = new Map<string, string[]>();
  const unnamed: string[] = [];
  for (const { file, text } of sources()) {
    for (const m of text.matchAll(/\bcollection\(\s*("([^"]*)"|'([^']*)'|`([^`]*)`|[^)\s,]*)/g)) {
      const name = m[2] ?? m[3] ?? m[4];
      if (name !== undefined && !name.includes("${")) {
        names.set(name, [...(names.get(name) ?? []), file]);
      } else unnamed.push(`${file}: ${m[0]}`);
    }
  }
  return { names, unnamed };
}

/** The collections `Retention.purge` removes a workspace's data from. */
export function purgedCollections(): Set<string> {
  return new Set<string>([
    ...TEAM_DATA.prefixed,
    ...TEAM_DATA.exact,
    TEAM_DATA.claims.collection,
    ...[
      ...TEAM_DATA.registries,
      ...TEAM_DATA.keyLists,
      ...TEAM_DATA.keyMaps,
      ...TEAM_DATA.teamMaps,
    ].map((r) => r.collection),
  ]);
}

/** Collections said to hold no workspace's data (or whose data goes by itself), with why. */
export const keptCollections = KEPT;
