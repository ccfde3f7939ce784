import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT, runEntry, type Spawned, waitForLine } from "../../src/dev/processes.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.join(ROOT, "tests/artifacts");
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `Skipping the browser test: no Chromium at ${CHROMIUM}. Install Debian's "chromium" package (apt-get install chromium), or set CHROMIUM_PATH.`,
  );
}

/** A date `days` from today, as YYYY-MM-DD. */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!hasChromium)("the local playground in a browser (npm run local)", () => {
  let local: Spawned;
  let url: string;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "playground-"));
    const port = await freePort();
    local = runEntry("src/dev/local.ts", {
      ...process.env,
      LOCAL_PORT: String(port),
      LOCAL_STORE_URL: `sqlite://${path.join(dir, "local.sqlite")}`,
      LOG_LEVEL: "warn",
    });
    url = (await waitForLine(local, /open (http:\/\/localhost:\d+)/))[1] as string;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    local?.child.kill("SIGINT");
    expect(await local?.exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  const send = async (text: string) => {
    await page.fill("#text", text);
    await page.press("#text", "Enter");
  };

  it("runs every feature from the page: checklist ticks that survive a reload, a DM answer, a deadline in the nudge", async () => {
    await page.goto(url);
    await expect.poll(() => page.locator("#user option").count()).toBe(3);

    // /skills machine learning: the checklist, ephemeral.
    await send("/skills machine learning");
    const checklist = page
      .locator(".msg", { hasText: "Machine learning intern: skill checklist" })
      .last();
    await checklist.waitFor();
    expect(await checklist.locator(".ephemeral").textContent()).toContain("Only visible to you");

    // Tick one box: the progress line updates.
    await checklist.getByText("Write a 200+ line Python project").click();
    await page.locator(".msg", { hasText: "1 of 12 done" }).first().waitFor();

    // Reload: still ticked; and a fresh /skills ml shows it ticked from the store.
    await page.reload();
    await page.locator(".msg", { hasText: "1 of 12 done" }).first().waitFor();
    await send("/skills ml");
    await expect.poll(() => page.locator(".msg", { hasText: "skill checklist" }).count()).toBe(2);
    const fresh = page.locator(".msg", { hasText: "skill checklist" }).last();
    expect(
      await fresh
        .locator("label", { hasText: "Write a 200+ line Python project" })
        .locator("input")
        .isChecked(),
    ).toBe(true);

    // A question in the DM gets an answer with feedback buttons.
    await page.click("nav [data-pane=dm]");
    await send("how early should I apply?");
    await page
      .locator(".msg", { hasText: "How early should I start applying for internships?" })
      .waitFor();
    await page.getByRole("button", { name: "👍 Helpful" }).click();
    await page.getByText("Thanks, glad it helped!").waitFor();

    // A deadline, then the weekly nudge fired from the page lists it.
    await page.click("nav [data-pane=channel]");
    await send(`/deadlines add ${inDays(10)} Acme ML intern https://acme.example/apply`);
    await page.locator(".msg", { hasText: "added a deadline" }).waitFor();
    await page.click("#nudge");
    const nudge = page.locator(".msg", { hasText: "Weekly internship nudge" });
    await nudge.waitFor();
    expect(await nudge.textContent()).toContain("Acme ML intern");
    expect(await nudge.textContent()).toContain("Practice prompt of the week");

    // Home shows the checklist progress.
    await page.click("nav [data-pane=home]");
    await page.locator("#home", { hasText: "1 of 12 done" }).waitFor();

    // Nothing the app sent would be rejected by Slack.
    expect(await page.locator(".problems").count()).toBe(0);

    await page.click("nav [data-pane=channel]");
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "playground.png"), fullPage: true });
  }, 60_000);

  it("switching user shows the other member's own view", async () => {
    await page.selectOption("#user", "U0BOB");
    await expect.poll(() => page.locator(".msg", { hasText: "skill checklist" }).count()).toBe(0);
    await send("/skills ml");
    const bobs = page.locator(".msg", { hasText: "skill checklist" }).last();
    await bobs.waitFor();
    expect(await bobs.textContent()).toContain("0 of 12 done");
    expect(await page.locator(".msg", { hasText: "Weekly internship nudge" }).count()).toBe(1);
    await page.selectOption("#user", "U0ALICE");
  }, 30_000);

  it("Did you mean…?: an unsure DM offers entries, a pick shows one and is learned, an organizer confirms, and the question is then answered", async () => {
    // Vague enough that the bot is not sure, close enough to offer entries.
    const question = "whats the deal with rounds";
    await page.selectOption("#user", "U0ALICE");
    await page.click("nav [data-pane=dm]");
    await send(question);
    const unsure = page.locator(".msg", { hasText: "I'm not sure I know that one" }).last();
    await unsure.waitFor();
    const suggestions = unsure.locator("button");
    expect(await suggestions.count()).toBeGreaterThan(0);
    expect(await suggestions.count()).toBeLessThanOrEqual(3);
    const title = ((await suggestions.first().textContent()) ?? "").trim();
    await suggestions.first().click();
    const picked = page.locator(".msg", { hasText: "I'll remember that" }).last();
    await picked.waitFor();
    expect(await picked.textContent()).toContain(title);

    // Alice is not an organizer: the review is not hers to see.
    await page.click("nav [data-pane=channel]");
    await send("/prep learned");
    await page.locator(".msg", { hasText: "only for the group's organizers" }).waitFor();

    // Carol, a workspace admin, reviews and confirms it.
    await page.selectOption("#user", "U0CAROL");
    await send("/prep learned");
    const review = page.locator(".msg", { hasText: "Learned phrasings to review" }).last();
    await review.waitFor();
    expect(await review.textContent()).toContain(question);
    await review.getByRole("button", { name: "Confirm" }).click();
    await page.locator(".msg", { hasText: "Confirmed:" }).waitFor();

    // Alice asks again: answered at once, with that entry.
    await page.selectOption("#user", "U0ALICE");
    await page.click("nav [data-pane=dm]");
    const before = await page.locator(".msg", { hasText: "Helpful" }).count();
    await send(question);
    await expect
      .poll(() => page.locator(".msg", { hasText: "Helpful" }).count(), { timeout: 15_000 })
      .toBe(before + 1);
    const answer = page.locator(".msg", { hasText: "Helpful" }).last();
    expect(await answer.textContent()).toContain(title);
    expect(await answer.textContent()).not.toContain("not sure");
    expect(await page.locator(".problems").count()).toBe(0);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({
      path: path.join(ARTIFACTS, "playground-did-you-mean.png"),
      fullPage: true,
    });
  }, 60_000);

  it("tracks applications from the page: add, move with the picker, I applied on the nudge, Home, export", async () => {
    await page.click("nav [data-pane=channel]");
    await send("/track add Globex — Data science intern");
    const added = page.locator(".msg", { hasText: "Added to your tracker" }).last();
    await added.waitFor();
    const id = /id ([0-9a-f]{6})/.exec((await added.textContent()) ?? "")?.[1];
    expect(id).toMatch(/^[0-9a-f]{6}$/);

    // Move it by command, then with the stage picker in /track.
    await send(`/track ${id} interview`);
    await page.locator(".msg", { hasText: "applied → interview" }).waitFor();
    await send("/track");
    const list = page.locator(".msg", { hasText: "Your applications" }).last();
    await list.waitFor();
    await list.locator("select").first().selectOption({ label: "Offer" });
    await page.locator(".msg", { hasText: "Offer · 1" }).waitFor();

    // "I applied" on the weekly nudge's deadline: once added, then already there.
    const nudge = page.locator(".msg", { hasText: "Weekly internship nudge" }).last();
    await nudge.getByRole("button", { name: "I applied" }).first().click();
    await page.locator(".msg", { hasText: "Added to your tracker at applied" }).waitFor();
    await nudge.getByRole("button", { name: "I applied" }).first().click();
    await page.locator(".msg", { hasText: "is already in your tracker" }).waitFor();

    // Home: the pipeline's counts and the most recent with their pickers.
    await page.click("nav [data-pane=home]");
    await page.locator("#home", { hasText: "Offer 1" }).waitFor();
    await page.locator("#home", { hasText: "Applied 1" }).waitFor();
    expect(await page.locator("#home select").count()).toBe(2);

    // Export: the CSV arrives in the DM, only for this user.
    await page.click("nav [data-pane=channel]");
    await send("/track export");
    await page.locator(".msg", { hasText: "as CSV in our DM" }).waitFor();
    await page.click("nav [data-pane=dm]");
    await page.locator(".msg", { hasText: "Globex,Data science intern" }).waitFor();
    expect(await page.locator(".problems").count()).toBe(0);
  }, 60_000);
  it("mock-interview pairs: two users join from the page, Pair now, and the pair's DM appears for each of them only", async () => {
    await page.click("nav [data-pane=channel]");
    for (const [id, name] of [
      ["U0ALICE", "alice"],
      ["U0BOB", "bob"],
    ] as const) {
      await page.selectOption("#user", id);
      await page.click("#pairs-join");
      await page
        .locator(".msg", { hasText: "You're in every mock-interview round in this channel" })
        .last()
        .waitFor();
      expect(await page.locator("#user").inputValue(), name).toBe(id);
    }
    await page.click("#pair-now");
    await page.locator(".msg", { hasText: "Paired 2 people into 1 group" }).waitFor();
    for (const id of ["U0ALICE", "U0BOB"]) {
      await page.selectOption("#user", id);
      const link = page.locator("#groups .navlink");
      await expect.poll(() => link.count()).toBe(1);
      await link.click();
      const intro = page.locator(".msg", { hasText: "Your mock interview pair this week" });
      await intro.waitFor();
      expect(await intro.textContent()).toContain("Agenda (45 minutes)");
      expect(await intro.textContent()).toContain("Schedule it");
    }
    // Carol did not join: no group DM for her, and the pair's messages are not shown to her.
    await page.selectOption("#user", "U0CAROL");
    await page.click("nav [data-pane=channel]");
    await expect.poll(() => page.locator("#groups .navlink").count()).toBe(0);
    expect(await page.locator(".msg", { hasText: "Your mock interview pair" }).count()).toBe(0);
    expect(await page.locator(".problems").count()).toBe(0);
    await page.click("nav [data-pane=channel]");
    await page.selectOption("#user", "U0ALICE");
  }, 60_000);
});
