/**
 * `npm run bench:pairs`: how long `/pairs` takes to make one round's pairs for groups of 7 to 999
 * people, each with the previous rounds' partners to avoid, over six weekly rounds; and how many
 * partnerships repeat one of the last four rounds (0 whenever that can be avoided; with 7 people a
 * trio uses up partnerships too fast for more than two rounds without one).
 */
import { performance } from "node:perf_hooks";
import { makePairs, repeatedPartnerships } from "../services/pairs/pairing.ts";

const ROUNDS = 6;

console.log("people  rounds  slowest round (ms)  mean (ms)  repeated partnerships");
for (const n of [7, 8, 51, 200, 999]) {
  const people = Array.from({ length: n }, (_, i) => `U${String(i).padStart(8, "0")}`);
  const history: string[][][] = [];
  const times: number[] = [];
  let repeats = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const groups = makePairs(people, history, `T1:C1:round-${round}`);
    times.push(performance.now() - start);
    repeats += repeatedPartnerships(groups, history);
    history.push(groups);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `${String(n).padStart(6)}  ${String(ROUNDS).padStart(6)}  ${Math.max(...times)
      .toFixed(1)
      .padStart(18)}  ${mean.toFixed(1).padStart(9)}  ${String(repeats).padStart(21)}`,
  );
}
