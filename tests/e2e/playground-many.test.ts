import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, runEntry, type Spawned, waitForLine } from "../../src/dev/processes.ts";
import { LOCAL_USERS, SECOND_USERS } from "../../src/dev/workspace.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `Skipping the multi-workspace browser test: no Chromium at ${CHROMIUM}. Install Debian's "chromium" package (apt-get install chromium), or set CHROMIUM_PATH.`,
  );
}

describe.skipIf(!hasChromium)("the playground with two workspaces (npm run local:many)", () => {
  let local: Spawned;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    local = runEntry("src/dev/local.ts", {
      ...process.env,
      LOCAL_PORT: String(await freePort()),
      LOCAL_WORKSPACES: "many",
      LOCAL_STORE_URL: "memory://",
      LOG_LEVEL: "warn",
    });
    url = (await waitForLine(local, /open (http:\/\/localhost:\d+)/))[1] as string;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    local?.child.kill("SIGINT");
    expect(await local?.exited).toBe(0);
  }, 30_000);

  const send = async (text: string) => {
    await page.fill("#text", text);
    await page.press("#text", "Enter");
  };

  /** Add to Slack in a new tab, through the stand-in's allow page, for one workspace. */
  async function install(teamId: string) {
    const tab = await browser.newPage();
    await tab.goto((await page.getAttribute("#install", "href")) as string);
    expect(await tab.textContent("#retention")).toContain("kept for 30 days");
    await tab.click("#add-to-slack");
    await tab.click(`a[data-team="${teamId}"]`);
    const done = (await tab.textContent("body")) ?? "";
    await tab.close();
    return done;
  }

  it("installs in the second workspace from its Add to Slack page and answers its members there", async () => {
    await page.goto(url);
    // Both workspaces' members are in the user picker.
    await expect
      .poll(() => page.locator("#user option").count())
      .toBe(LOCAL_USERS.length + SECOND_USERS.length);
    await page.selectOption("#user", "U0ERIN");
    await page.locator("#teamName", { hasText: "Second Campus" }).waitFor();

    const done = await install("T0002");
    expect(done).toContain("InternPrep is installed in Second Campus");
    expect(done).toContain("/invite @InternPrep");

    await send("/skills ml");
    await page.locator(".msg", { hasText: "Machine learning intern: skill checklist" }).waitFor();
    await page.click("nav [data-pane=dm]");
    await send("how early should I apply?");
    await page
      .locator(".msg", { hasText: "How early should I start applying for internships?" })
      .waitFor();
    expect(await page.locator(".problems").count()).toBe(0);
  }, 60_000);

  it("the first workspace has its own install, and an uninstall there leaves the second one working", async () => {
    await page.selectOption("#user", "U0ALICE");
    await page.locator("#teamName", { hasText: "Stand-in" }).waitFor();
    expect(await install("T0001")).toContain("InternPrep is installed in Stand-in");
    await page.click("nav [data-pane=channel]");
    await send("/skills");
    await page.locator(".msg", { hasText: "Skill checklists" }).waitFor();

    page.once("dialog", (dialog) => void dialog.accept());
    await page.click("#uninstall");
    await send("/prep behavioral");
    // Not installed any more: no answer in the first workspace, while the second still answers.
    await page.selectOption("#user", "U0ERIN");
    await page.click("nav [data-pane=channel]");
    await send("/prep behavioral");
    await page.locator(".msg", { hasText: "Behavioral" }).first().waitFor();
    await page.selectOption("#user", "U0ALICE");
    await expect.poll(() => page.locator(".msg", { hasText: "Behavioral" }).count()).toBe(0);
  }, 60_000);
});
