import { createHash } from "node:crypto";

/** How many earlier rounds' partners a new pairing avoids, when it can. */
export const AVOID_ROUNDS = 4;
/** The search for a pairing without repeats gives up after this many steps (then takes its best). */
const SEARCH_BUDGET = 50_000;

/**
 * Splits `people` into pairs (one trio when the count is odd), avoiding anyone's partners in
 * `earlier` (the groups of earlier rounds, most recent last; only the last 4 count) whenever
 * that is possible, and otherwise repeating as few partnerships as it can. The order is shuffled
 * by `seed`, so the same round always gives the same pairs (two processes agree) while different
 * rounds differ. Fewer than 2 people give no groups.
 *
 * @example
 * makePairs(["U1", "U2", "U3", "U4"], [[["U1", "U2"], ["U3", "U4"]]], "C1:2026-W48");
 * // [["U1", "U3"], ["U2", "U4"]] (or another pairing without a repeat)
 */
export function makePairs(
  people: readonly string[],
  earlier: ReadonlyArray<ReadonlyArray<readonly string[]>>,
  seed: string,
): string[][] {
  const unique = [...new Set(people)];
  if (unique.length < 2) return [];
  const recent = partnersOf(earlier.slice(-AVOID_ROUNDS));
  const repeats = (a: string, b: string) => (recent.get(a)?.has(b) ? 1 : 0);
  const order = shuffle(unique, seed);
  if (order.length === 3) return [order];
  let best: { cost: number; groups: string[][] } | undefined;
  let budget = SEARCH_BUDGET;
  // Odd: each person in turn sits out of the matching and joins the pair that suits them best.
  const extras = order.length % 2 === 1 ? order : [undefined];
  for (const extra of extras) {
    const rest = extra === undefined ? order : order.filter((p) => p !== extra);
    const found = match(rest, repeats, best?.cost ?? Number.POSITIVE_INFINITY, () => --budget > 0);
    if (!found) continue;
    let { cost, pairs } = found;
    let groups = pairs.map((pair) => [...pair]);
    if (extra !== undefined) {
      const joinCost = (g: string[]) => g.reduce((sum, p) => sum + repeats(extra, p), 0);
      const target = groups.reduce((a, b) => (joinCost(b) < joinCost(a) ? b : a));
      cost += joinCost(target);
      groups = groups.map((g) => (g === target ? [...g, extra] : g));
    }
    if (!best || cost < best.cost) best = { cost, groups };
    if (best.cost === 0 || budget <= 0) break;
  }
  return best?.groups ?? [order];
}

/** How many partnerships in `groups` repeat one from `earlier` (the last 4 rounds). */
export function repeatedPartnerships(
  groups: ReadonlyArray<readonly string[]>,
  earlier: ReadonlyArray<ReadonlyArray<readonly string[]>>,
): number {
  const recent = partnersOf(earlier.slice(-AVOID_ROUNDS));
  let count = 0;
  for (const group of groups)
    for (const [i, a] of group.entries())
      for (const b of group.slice(i + 1)) if (recent.get(a)?.has(b)) count++;
  return count;
}

/**
 * A minimum-repeat perfect matching of an even list, by depth-first search with pruning: the
 * first unmatched person is paired with each candidate in turn, fresh partners first.
 */
function match(
  people: readonly string[],
  repeats: (a: string, b: string) => number,
  bound: number,
  step: () => boolean,
): { cost: number; pairs: Array<[string, string]> } | undefined {
  let best: { cost: number; pairs: Array<[string, string]> } | undefined;
  let limit = bound;
  const chosen: Array<[string, string]> = [];
  const search = (left: readonly string[], cost: number): boolean => {
    if (cost >= limit) return true;
    const [first, ...others] = left;
    if (first === undefined) {
      best = { cost, pairs: [...chosen] };
      limit = cost;
      return cost > 0;
    }
    const candidates = [...others].sort((a, b) => repeats(first, a) - repeats(first, b));
    for (const partner of candidates) {
      if (!step()) return false;
      chosen.push([first, partner]);
      const more = search(
        others.filter((p) => p !== partner),
        cost + repeats(first, partner),
      );
      chosen.pop();
      if (!more) return false;
    }
    return true;
  };
  search(people, 0);
  return best;
}

function partnersOf(rounds: ReadonlyArray<ReadonlyArray<readonly string[]>>) {
  const partners = new Map<string, Set<string>>();
  for (const round of rounds)
    for (const group of round)
      for (const a of group)
        for (const b of group) {
          if (a === b) continue;
          const set = partners.get(a) ?? new Set<string>();
          set.add(b);
          partners.set(a, set);
        }
  return partners;
}

/** A stable shuffle: the same seed gives the same order. */
function shuffle(items: readonly string[], seed: string): string[] {
  const rank = (id: string) => createHash("sha1").update(`${seed}:${id}`).digest("hex");
  return [...items].sort((a, b) => rank(a).localeCompare(rank(b)));
}
