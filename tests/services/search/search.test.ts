import { beforeAll, describe, expect, it } from "vitest";
import { KnowledgeBase } from "../../../src/services/knowledge-base/knowledge-base.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../../src/services/knowledge-base/load.ts";
import type { Entry } from "../../../src/services/knowledge-base/schema.ts";
import { createSearch, DEFAULT_TUNING, type Search } from "../../../src/services/search/search.ts";
import { asksForATask, keywords, TextAnalyzer, words } from "../../../src/services/search/text.ts";

describe("text", () => {
  it("folds accents, keeps C++ and A/B, drops punctuation", () => {
    expect(words("Résumé tips for C++ & A/B tests?")).toEqual([
      "resume",
      "tips",
      "for",
      "cpp",
      "ab",
      "tests",
    ]);
  });
  it("drops filler words and stems the rest", () => {
    expect(keywords("How do I prepare for interviews?").map((k) => k.stem)).toEqual([
      "prepar",
      "interview",
    ]);
    expect(keywords("one big project or 4 small ones").map((k) => k.word)).toEqual([
      "big",
      "project",
      "4",
      "small",
    ]);
    // "Go" the language is a word of ours; the verb is filler.
    expect(keywords("is learning go worth it").map((k) => k.word)).toContain("golang");
    expect(keywords("java or go for backend").map((k) => k.word)).toContain("golang");
    expect(keywords("should i go to the career fair").map((k) => k.word)).toEqual([
      "career",
      "fair",
    ]);
    // Dictated and chatty questions: the fillers of speech are not what the question is about.
    expect(keywords("um ok so hmm btw bro how long is the OA").map((k) => k.word)).toEqual([
      "long",
      "oa",
    ]);
  });
});

const faq = (
  id: string,
  title: string,
  phrasings: string[],
  tags: string[] = [],
  answer = `Answer to ${title}`,
): Entry => ({
  kind: "faq",
  id,
  title,
  phrasings,
  answer,
  tags,
  topics: [],
  roles: [],
});

describe("search over a small knowledge base", () => {
  const kb = new KnowledgeBase([
    faq("leak", "What is data leakage?", [
      "test data leaking into training",
      "why is my test score too good",
    ]),
    faq(
      "salary",
      "How much do interns earn?",
      ["intern pay", "internship salary"],
      ["compensation"],
    ),
    faq("apply", "When should I apply?", [
      "how early to send applications",
      "application deadlines",
    ]),
    {
      kind: "topic",
      id: "coding",
      title: "Coding interviews",
      aliases: ["leetcode", "algorithms"],
      summary: "Live problem solving.",
      tags: ["big o"],
      roles: [],
      tips: ["a", "b", "c", "d", "e"],
    },
    {
      kind: "prompt",
      id: "p1",
      title: "Two pointers",
      prompt: "Solve two pointer problems.",
      topic: "coding",
      roles: [],
      tags: ["leetcode"],
    },
  ]);
  const search = createSearch(kb);

  it("finds an entry by a bare keyword", () => {
    const result = search.search("leakage");
    expect(result.answered).toBe(true);
    expect(result.hits[0]?.id).toBe("leak");
  });

  it("corrects typos against the vocabulary", () => {
    expect(search.search("leakge").hits[0]?.id).toBe("leak");
    expect(search.search("slaary for interns").hits[0]?.id).toBe("salary");
  });

  it("answers a natural-language question", () => {
    expect(search.search("how early do I need to send my applications?").hits[0]?.id).toBe("apply");
  });

  it("ranks an entry first when the query is exactly its name", () => {
    expect(search.search("LeetCode").hits[0]?.id).toBe("coding");
  });

  it("does not offer practice prompts as answers unless asked", () => {
    expect(search.search("two pointers").hits.map((h) => h.id)).not.toContain("p1");
    expect(search.search("two pointers", { kinds: ["prompt"] }).hits[0]?.id).toBe("p1");
  });

  it("answers each text it is asked, whatever it was asked just before", () => {
    // /prep asks for a topic named like the text, then searches the same text: one analysis.
    expect(search.named("LeetCode", "topic").map((e) => e.id)).toEqual(["coding"]);
    expect(search.search("LeetCode").hits[0]?.id).toBe("coding");
    expect(search.search("how early do I need to send my applications?").hits[0]?.id).toBe("apply");
    expect(search.named("how early do I need to send my applications?", "topic")).toEqual([]);
    expect(search.named("LeetCode", "topic").map((e) => e.id)).toEqual(["coding"]);
  });

  it("declines what it does not know, and empty or filler-only questions", () => {
    for (const q of ["what's the weather in paris", "", "   ", "hi there, how are you?"]) {
      expect(search.search(q).answered, q).toBe(false);
    }
  });

  it("returns at most `limit` hits, best first, scores in [0, 1]", () => {
    const { hits } = search.search("intern salary application deadlines", { limit: 2 });
    expect(hits.length).toBeLessThanOrEqual(2);
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThanOrEqual(1);
    }
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it("gives the full text a user is shown", () => {
    expect(search.search("leakage").hits[0]?.text).toBe("Answer to What is data leakage?");
  });
  it("lists entries that answer a question equally well in the knowledge base's order", () => {
    // Three entries that say the same: equal scores before and after re-ranking by phrasing.
    const twin = (id: string) =>
      faq(id, "How do I negotiate an offer?", ["negotiating a return offer"]);
    const ids = ["b-offer", "c-offer", "a-offer"];
    const forward = createSearch(new KnowledgeBase(ids.map(twin)));
    const backward = createSearch(new KnowledgeBase([...ids].reverse().map(twin)));
    const ranked = (s: Search) => s.search("how do i negotiate my offer").hits;
    expect(new Set(ranked(forward).map((h) => h.score)).size).toBe(1);
    expect(ranked(forward).map((h) => h.id)).toEqual(ids);
    expect(ranked(backward).map((h) => h.id)).toEqual([...ids].reverse());
  });
});

describe("synonyms", () => {
  const analyzer = new TextAnalyzer([
    { id: "resume", terms: ["resume", "cv"] },
    { id: "salary", terms: ["salary", "pay", "interns make"] },
    { id: "visa", terms: ["visa", "f1 student"] },
    { id: "f1-score", terms: ["f1 score", "f1"] },
    { id: "you", terms: ["you", "u"] },
    { id: "first-year", terms: ["first year", "freshman"] },
    { id: "ats", terms: ["applicant tracking system", "ats"] },
    { id: "job", terms: ["job", "openings", "postings"] },
    { id: "interview", terms: ["interview", "interviewer"] },
  ]);
  const stems = (text: string) => analyzer.keywords(text).map((k) => k.stem);

  it("reads every term of a group as its first term", () => {
    expect(stems("fix my CV")).toEqual(stems("fix my resume"));
    expect(stems("freshman internships")).toEqual(stems("first year internships"));
  });
  it("turns texting shorthand into the word it stands for (here filler)", () => {
    expect(stems("can u help")).toEqual(["help"]);
  });
  it("keeps content words such as make, time, tell and know", () => {
    expect(keywords("how much time do you need to know").map((k) => k.word)).toEqual([
      "time",
      "know",
    ]);
  });
  it("prefers the longer phrase: an F1 student is not the F1 metric", () => {
    expect(stems("as an f1 student can i intern")).toContain("visa");
    expect(stems("as an f1 student can i intern")).not.toContain("score");
    expect(stems("what is f1")).toEqual(["f1", "score"]);
  });
  it("matches a synonym by the word, not by a stem another word shares", () => {
    // "ats" and "at" share the stem "at"; "openings" and "open" share "open".
    expect(stems("does the ats read pdfs")).toContain("applic");
    expect(stems("intern at google")).not.toContain("applic");
    expect(stems("open source projects")).not.toContain("job");
    expect(stems("new openings")).toContain("job");
  });
  it("reads an amount of money as a question about pay", () => {
    expect(words("is $25/hr low")).toEqual(["is", "pay", "per", "hour", "low"]);
    expect(words("they offered 8k a month")).toEqual(["they", "offered", "pay", "a", "month"]);
    expect(words("3 interviews from 100 apps")).toEqual(["3", "interviews", "from", "100", "apps"]);
  });
  it("maps a listed word's plural too: interviewers are interviewers", () => {
    expect(stems("what do interviewers want")).toEqual(stems("what does the interview want"));
  });
  it("maps a phrase to its group: how much do ML interns make is about pay", () => {
    expect(stems("how much do ML interns make")).toContain("salari");
  });
  it("marks the words of one idea written as several: ats and its spelled-out name alike", () => {
    const parts = (text: string) => analyzer.keywords(text).map((k) => `${k.stem}/${k.of ?? 1}`);
    expect(parts("does the ats read pdfs")).toEqual([
      "applic/3",
      "track/3",
      "system/3",
      "read/1",
      "pdf/1",
    ]);
    expect(parts("applicant tracking system")).toEqual(["applic/3", "track/3", "system/3"]);
    expect(parts("fix my cv")).toEqual(["fix/1", "resum/1"]);
  });
});

describe("known off-topic questions", () => {
  const entries = [
    faq("negotiate", "How do I negotiate an internship offer?", [
      "can i ask for more money on my offer",
      "should i counter my internship offer",
    ]),
    faq("apply", "When should I apply?", ["how early to send applications", "deadlines"]),
  ];
  const offTopic = ["how much under asking should we offer on a house"];
  const question = "should we counter our offer on the house";

  it("declines a question closer to a known off-topic one than to any phrasing of ours", () => {
    const search = createSearch(new KnowledgeBase(entries, [], offTopic));
    const result = search.search(question);
    expect(result.signals.offTopic).toBeGreaterThanOrEqual(DEFAULT_TUNING.minOffTopic);
    expect(result.answered).toBe(false);
    // The same search without the list answers it with the offer entry: the words are ours.
    const unaware = createSearch(new KnowledgeBase(entries));
    expect(unaware.search(question).answered).toBe(true);
    expect(unaware.search(question).hits[0]?.id).toBe("negotiate");
  });
  it("still answers our own questions that share its words", () => {
    const search = createSearch(new KnowledgeBase(entries, [], offTopic));
    const result = search.search("should i counter my internship offer or just accept");
    expect(result.answered).toBe(true);
    expect(result.hits[0]?.id).toBe("negotiate");
  });
});

describe("search beyond names and phrasings", () => {
  const kb = new KnowledgeBase(
    [
      faq("metrics", "Which evaluation metric should I use?", ["how to evaluate a model"]),
      faq("pay", "How much do interns earn?", ["intern pay"], [], "Rates vary by city."),
      faq(
        "fraud",
        "Precision and recall",
        ["precision vs recall"],
        [],
        "In fraud detection a missed case costs more than a false alarm, so favour recall.",
      ),
    ],
    [{ id: "salary", terms: ["salary", "pay", "interns make"] }],
  );
  const search = createSearch(kb);

  it("finds an entry by a word only its answer uses", () => {
    expect(search.search("fraud").hits[0]?.id).toBe("fraud");
  });
  it("uses synonyms on both sides of the index", () => {
    expect(search.search("what salary do interns get").hits[0]?.id).toBe("pay");
    expect(search.search("how much do interns make").hits[0]?.id).toBe("pay");
  });
  it("learns a phrasing at once and forgets it again", () => {
    const question = "what should i measure my classifier with";
    search.learn("metrics", question);
    expect(search.search(question).hits[0]?.id).toBe("metrics");
    expect(search.search(question).answered).toBe(true);
    search.unlearn("metrics", question);
    search.learn("no-such-entry", question);
    expect(search.search(question).answered).toBe(false);
  });
  it("declines requests to do a task, but still suggests the closest entries", () => {
    expect(asksForATask("write my cover letter for me")).toBe(true);
    expect(asksForATask("pls fix my code")).toBe(true);
    expect(asksForATask("ValueError: could not convert string to float")).toBe(true);
    expect(asksForATask("how do i write a cover letter")).toBe(false);
    expect(asksForATask("ok so i have the posting, can you write my cover letter")).toBe(true);
    expect(asksForATask("i'm nervous, how do i fix my resume gaps")).toBe(false);
    // "just …", "i need you to …", training or running something for them, "what's wrong with my code".
    expect(asksForATask("just write the whole cover letter for me, i'll paste it in")).toBe(true);
    expect(asksForATask("i need you to solve today's leetcode daily")).toBe(true);
    expect(asksForATask("train a cnn on my dataset for me and send the weights")).toBe(true);
    expect(asksForATask("nan loss after epoch 3, what's wrong w my code")).toBe(true);
    expect(asksForATask("should i train a cnn or use a pretrained one for my project")).toBe(false);
    expect(asksForATask("what's wrong with my resume? no callbacks")).toBe(false);
    expect(asksForATask("loss goes to nan, here's the traceback, pls fix")).toBe(true);
    expect(asksForATask("my final is tomorrow, can u just give me the answers")).toBe(true);
    expect(asksForATask("whats the answer to problem 3 on my hw")).toBe(true);
    expect(asksForATask("how many questions are on the amazon oa")).toBe(false);
    expect(asksForATask("answers to q3 of the worksheet pls")).toBe(true);
    expect(asksForATask("how do i answer 'why this company'")).toBe(false);
    // Homework with a subject in between, or "for my midterm"; a CUDA out-of-memory error.
    expect(asksForATask("can you do my linear algebra hw, find the eigenvalues")).toBe(true);
    expect(asksForATask("explain gradient boosting for my midterm tomorrow")).toBe(true);
    expect(asksForATask("whats the derivative of x^2, its for my calc quiz")).toBe(true);
    expect(asksForATask("why do i get cuda out of memory with batch size 64")).toBe(true);
    expect(asksForATask("explain l1 vs l2 for my machine learning exam tomorrow")).toBe(true);
    expect(asksForATask("loss is nan, can you find the bug in my numpy code")).toBe(true);
    expect(asksForATask("how do i balance internship apps with my midterms")).toBe(false);
    expect(asksForATask("what ml concepts come up in intern interviews")).toBe(false);
    const result = search.search("write me an answer about precision vs recall");
    expect(result.answered).toBe(false);
    expect(result.hits[0]?.id).toBe("fraud");
  });
});

describe("search over the bundled knowledge base", () => {
  let search: Search;
  beforeAll(async () => {
    search = createSearch(await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] }));
  });

  it.each([
    ["how early should I apply?", "apply-how-early"],
    ["how to prep for an interveiw", "interview-prep"],
    ["interview tips", "interview-prep"],
    ["leakage", "data-quality-leakage"],
    ["mlops", "mlops-deployment"],
    ["machine learning", "ml-intern"],
    ["cv engineer", "cv-engineer"],
  ])("%s → %s", (query, id) => {
    const result = search.search(query);
    expect(result.answered).toBe(true);
    expect(result.hits[0]?.id).toBe(id);
  });
});

describe("building the index without holding up the app", () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
  });
  const question = "how early should I apply?";

  it("lets the event loop run between slices, and answers the same once done", async () => {
    const search = createSearch(kb);
    const reference = createSearch(kb).search(question);
    let turns = 0;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    await search.prepare(0); // a slice of 0 ms: yield after every entry
    done = true;
    expect(turns).toBeGreaterThan(100); // the loop ran hundreds of times while it built
    expect(search.search(question)).toEqual(reference);
  });

  it("a question asked while it builds finishes the build and is answered right", async () => {
    const search = createSearch(kb);
    const building = search.prepare(0);
    await new Promise((resolve) => setImmediate(resolve));
    const result = search.search(question);
    expect(result.answered).toBe(true);
    expect(result.hits[0]?.id).toBe("apply-how-early");
    await building; // and the stepped build stops instead of building a second time
    expect(search.search(question)).toEqual(result);
  });

  it("a phrasing learned while it builds is not lost", async () => {
    const search = createSearch(kb);
    const phrasing = "zorblax quintoplex gizmo";
    // The first entry is indexed in the build's first steps, before the phrasing is learned.
    const first = kb.entries[0]?.id as string;
    const building = search.prepare(0);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    search.learn(first, phrasing);
    await building;
    expect(search.search(phrasing).hits[0]?.id).toBe(first);
  });
});

describe("declining questions mostly about something else", () => {
  let kb: KnowledgeBase;
  let search: Search;
  beforeAll(async () => {
    kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
    search = createSearch(kb);
  });

  it("declines a weak match when most of the question is words it has never seen", () => {
    const question = "should i put my internship paycheck into bitcoin or eth";
    const result = search.search(question);
    expect(result.signals.known).toBeLessThan(DEFAULT_TUNING.minKnown);
    expect(result.answered).toBe(false);
    // The same rules without it would have answered: "internship paycheck" alone matches something.
    const lenient = createSearch(kb, { minKnown: 0, minOffTopic: Number.POSITIVE_INFINITY });
    expect(lenient.search(question).answered).toBe(true);
  });
  it("declines a question that only shares everyday words with the knowledge base", () => {
    for (const q of [
      "tips for a first date?",
      "is coffee bad for you",
      "how do i start journaling",
    ]) {
      const result = search.search(q);
      expect(result.signals.anchor, q).toBeLessThan(DEFAULT_TUNING.minAnchor);
      expect(result.answered, q).toBe(false);
      // Without the everyday-English comparison these would have been answered with whatever
      // entry shares "first", "coffee" or "start".
      const lenient = createSearch(kb, {
        minAnchor: Number.NEGATIVE_INFINITY,
        minOffTopic: Number.POSITIVE_INFINITY,
      });
      expect(lenient.search(q).answered, q).toBe(true);
    }
    // The same everyday words beside one of ours are answered.
    for (const q of [
      "tips for a first coding interview",
      "coffee chat with an alum, what do i ask",
    ]) {
      const result = search.search(q);
      expect(result.signals.anchor, q).toBeGreaterThanOrEqual(DEFAULT_TUNING.minAnchor);
      expect(result.answered, q).toBe(true);
    }
  });
  it("answers an everyday-worded question that one entry says nearly all of", () => {
    const q = "what do i say for biggest weakness w/o sounding fake";
    const result = search.search(q);
    expect(result.signals.anchor).toBeLessThan(DEFAULT_TUNING.minAnchor);
    expect(result.signals.coverage).toBeGreaterThanOrEqual(DEFAULT_TUNING.unanchoredCoverage);
    expect(result.answered).toBe(true);
    expect(result.hits[0]?.id).toBe("weakness-question");
    // Without the coverage exception the everyday words alone sink it unless it scores
    // `unanchoredScore` on its own.
    const strict = createSearch(kb, { unanchoredCoverage: Number.POSITIVE_INFINITY });
    expect(strict.search(q).answered).toBe(result.signals.score >= DEFAULT_TUNING.unanchoredScore);
  });
  it("weighs everyday chatter less than the words that say what the question is about", () => {
    const bare = "a/b testing interview questions";
    const chatty =
      "my friend said on friday that the big interview will have a/b testing questions";
    const plain = createSearch(kb, { everydayFloor: 1 });
    const ratio = (s: Search) => s.search(chatty).signals.score / s.search(bare).signals.score;
    expect(search.search(chatty).hits[0]?.id).toBe("ab-testing");
    // "friend", "said", "friday", "big" dilute the question less than they did at full weight.
    expect(ratio(search)).toBeGreaterThan(ratio(plain) + 0.02);
  });
  it("counts an everyday word it does not know against a question more than a rare one", () => {
    // "guitar" is a word everyone says and no entry uses: the question is about something else.
    const guitar = search.search("best guitar for a beginner");
    expect(guitar.answered).toBe(false);
    // Weighing every unknown word alike (as search used to) answers it with a Kaggle entry.
    const flat = createSearch(kb, {
      unknownWordWeight: 0.8,
      unknownRareWeight: 0.8,
      minOffTopic: Number.POSITIVE_INFINITY,
    });
    expect(flat.search("best guitar for a beginner").answered).toBe(true);
    // A word nobody says (a made-up name here) says little about the question either way.
    expect(search.search("best zorblax for a beginner").signals.known).toBeGreaterThan(
      guitar.signals.known,
    );
  });
  it("does not read a correctly spelled everyday word as a typo of one of ours", () => {
    // "grapes" is one letter from "grades" (read as GPA), but it is a word in its own right.
    const grapes = search.search("can dogs eat grapes");
    expect(grapes.answered).toBe(false);
    expect(grapes.hits.map((h) => h.id)).not.toContain("gpa-matter");
    // A real typo still is one.
    expect(search.search("what is a tecnical screen").hits[0]?.id).toBe("technical-screen");
  });
  it("reads the common misspelling 'referal' as referral, not as a reference", () => {
    const typo = search.search("hw do i get a referal at google pls");
    expect(typo.hits[0]?.id).toBe(search.search("how do i get a referral at google").hits[0]?.id);
    expect(typo.hits.map((h) => h.id)).not.toContain("ask-for-reference");
  });
  it("reads hrs as hours, not as the plural of hr (a recruiter)", () => {
    const stems = new TextAnalyzer(kb.synonyms)
      .keywords("i only have 10 hrs a week for prep")
      .map((k) => k.stem);
    expect(stems).toContain("hour");
    expect(stems).not.toContain("recruit");
  });
  it("reads R as the language, but texting 'what r' as 'are'", () => {
    expect(search.search("does knowing R still count for ds internships").hits[0]?.id).toBe(
      "r-vs-python",
    );
    expect(words("what r the rounds like")).toEqual(["what", "r", "the", "rounds", "like"]);
    expect(words("is R worth it")).toEqual(["is", "rlang", "worth", "it"]);
  });
  it("weighs a role named in passing as one idea: what is asked about it decides", () => {
    // "swe" is the two words "software engineering": at full weight each, the role's own page won.
    const question = "how do i get a swe internship with no experience";
    expect(search.search(question).hits[0]?.id).toBe("no-experience");
    expect(createSearch(kb, { conceptExponent: 0 }).search(question).hits[0]?.id).toBe(
      "swe-intern",
    );
  });
  it("reads a month as a question about timing", () => {
    expect(search.search("its march and i have nothing lined up for summer").hits[0]?.id).toBe(
      "late-in-season",
    );
  });
  it("does not correct a word by changing its first letter and another", () => {
    // "vaccines" is two letters from "machines", but nobody mistypes both.
    expect(search.search("how do vaccines work").answered).toBe(false);
    // One slip is still corrected, even in the first letter.
    expect(search.search("what is a tachnical screen").hits[0]?.id).toBe("technical-screen");
  });
  it("offers no 'Did you mean' for a question nothing comes near, only for close ones", () => {
    const far = search.search("how do I train my dog to sit");
    expect(far.answered).toBe(false);
    expect(far.hits.length).toBeGreaterThan(0);
    expect(far.suggestions).toEqual([]);
    const near = search.search("whats the deal with rounds");
    expect(near.answered).toBe(false);
    expect(near.suggestions.map((h) => h.id)).toContain("interview-rounds");
    for (const hit of near.suggestions) {
      expect(hit.score).toBeGreaterThanOrEqual(DEFAULT_TUNING.minSuggestScore);
    }
  });
  it("still answers a strong match with a word it does not know", () => {
    const result = search.search("how many leetcode problems before my zorblax interview");
    expect(result.answered).toBe(true);
  });
});
