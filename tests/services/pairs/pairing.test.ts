import { describe, expect, it } from "vitest";
import { makePairs, repeatedPartnerships } from "../../../src/services/pairs/pairing.ts";

const people = (n: number) => Array.from({ length: n }, (_, i) => `U${i + 1}0`);
const sizes = (groups: string[][]) => groups.map((g) => g.length).sort();

describe("makePairs", () => {
  it("pairs two people, makes one trio of three, and nobody is paired with fewer than two", () => {
    expect(makePairs(people(2), [], "s")).toHaveLength(1);
    expect(sizes(makePairs(people(2), [], "s"))).toEqual([2]);
    expect(sizes(makePairs(people(3), [], "s"))).toEqual([3]);
    expect(makePairs(people(1), [], "s")).toEqual([]);
    expect(makePairs([], [], "s")).toEqual([]);
  });

  it("seven people: two pairs and one trio, each person exactly once", () => {
    const groups = makePairs(people(7), [], "C1:2026-W48");
    expect(sizes(groups)).toEqual([2, 2, 3]);
    expect(groups.flat().sort()).toEqual(people(7).sort());
  });

  it("the same round gives the same pairs; another round shuffles differently", () => {
    const a = makePairs(people(8), [], "C1:2026-W48");
    expect(makePairs(people(8), [], "C1:2026-W48")).toEqual(a);
    const others = ["W49", "W50", "W51", "W52"].map((w) =>
      makePairs(people(8), [], `C1:2026-${w}`),
    );
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });

  it("seven people: the first two rounds repeat nobody (a third cannot: a trio uses up 3 partnerships)", () => {
    const history: string[][][] = [];
    for (let round = 0; round < 2; round++) {
      const groups = makePairs(people(7), history, `C1:round-${round}`);
      expect(repeatedPartnerships(groups, history)).toBe(0);
      history.push(groups);
    }
  });

  it.each([6, 8, 11])(
    "%i people over five rounds: no partner repeats within any four rounds",
    (n) => {
      const history: string[][][] = [];
      for (let round = 0; round < 5; round++) {
        const groups = makePairs(people(n), history, `C1:round-${round}`);
        expect(repeatedPartnerships(groups, history)).toBe(0);
        expect(groups.flat().sort()).toEqual(people(n).sort());
        history.push(groups);
      }
    },
  );

  it("repeats when nothing else is possible, and only as little as it must", () => {
    const two = people(2);
    const history = [[two]];
    expect(makePairs(two, history, "s")).toEqual([expect.arrayContaining(two)]);
    // Four people who have all met: a repeat is unavoidable, but every pair is still made.
    const four = people(4);
    const met = [
      [
        [four[0], four[1]],
        [four[2], four[3]],
      ],
      [
        [four[0], four[2]],
        [four[1], four[3]],
      ],
    ] as string[][][];
    const groups = makePairs(four, met, "s");
    expect(repeatedPartnerships(groups, met)).toBe(0);
    met.push(groups);
    const again = makePairs(four, met, "s2");
    expect(again).toHaveLength(2);
    expect(repeatedPartnerships(again, met)).toBe(2);
  });

  it("only the last four rounds count: a partner from five rounds ago may come back", () => {
    const two = people(2);
    const old = [[two], [], [], [], []] as string[][][];
    expect(repeatedPartnerships(makePairs(two, old, "s"), old)).toBe(0);
  });
});
