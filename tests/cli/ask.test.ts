import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs `npm run ask` the way a user would (through tsx), with optional standard input. */
function ask(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/ask.ts", ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    env: { ...process.env, KB_DIR: "" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// The --json contract, exactly.
const Answer = z.strictObject({
  answered: z.boolean(),
  results: z
    .array(
      z.strictObject({ id: z.string(), title: z.string(), text: z.string(), score: z.number() }),
    )
    .max(3),
});

describe("npm run ask", () => {
  it("prints the answer as a person reads it", () => {
    const { status, stdout } = ask(["how early should I apply?"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^How early should I start applying for internships\?\n/);
    expect(stdout).toContain("6-8 months");
    expect(stdout).not.toContain("*6-8 months*");
  });

  it("says plainly when it does not know", () => {
    const { status, stdout } = ask(["what's the weather tomorrow?"]);
    expect(status).toBe(0);
    expect(stdout).toContain("I don't know that one yet");
    expect(stdout).toContain("Behavioral interviews");
  });

  it("--json prints one JSON object on one line, best first", () => {
    const { status, stdout } = ask(["--json", "how early should I apply?"]);
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const answer = Answer.parse(JSON.parse(lines[0] as string));
    expect(answer.answered).toBe(true);
    expect(answer.results[0]?.id).toBe("apply-how-early");
    expect(answer.results[0]?.text).toContain("6-8 months");
    const scores = answer.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("--json with no question reads one question per line and answers each, in order", () => {
    const questions = ["leakage", "tell me a joke", "", "how much do ml interns get paid"];
    const { status, stdout } = ask(["--json"], `${questions.join("\n")}\n`);
    expect(status).toBe(0);
    const answers = stdout
      .trimEnd()
      .split("\n")
      .map((l) => Answer.parse(JSON.parse(l)));
    expect(answers.map((a) => a.answered)).toEqual([true, false, false, true]);
    expect(answers[0]?.results[0]?.id).toBe("data-quality-leakage");
    expect(answers[3]?.results[0]?.id).toBe("intern-salary");
  });

  it("answers 100 questions from standard input with 100 lines", () => {
    const input = Array.from({ length: 100 }, (_, i) => `question ${i} about resumes`).join("\n");
    const { status, stdout } = ask(["--json"], input);
    expect(status).toBe(0);
    expect(stdout.trimEnd().split("\n")).toHaveLength(100);
  });

  it("prints usage and fails without a question", () => {
    const { status, stdout } = ask([]);
    expect(status).toBe(2);
    expect(stdout).toContain("Usage:");
  });
});
