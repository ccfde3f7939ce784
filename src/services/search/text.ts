import { stemmer } from "stemmer";
import type { SynonymGroup } from "../knowledge-base/schema.ts";

/**
 * Words that carry no meaning for finding an answer ("how do I…", "what is the…"). Question words
 * are here too: "when should I apply" and "how early should I apply" want the same entry. So are
 * the fillers of speech and chat ("um", "hmm", "btw", "bro"): a dictated or rambling question is
 * otherwise diluted by words everyone says, which weigh as much as a word about something else.
 */
const STOP_WORDS = new Set(
  `a about above again against all am an and any are as at be been being below between
  both but by can could did do does doing done down each few for from further get getting got
  had has have having he her here hers herself him himself his how i if in into is it its itself just
  let lets like me might more most much must my myself need needs no nor not now of off on once only
  or other ought our ours ourselves out over own please same shall she should so some such than that
  the their theirs them themselves then there these they this those through to too under until up
  upon us very was we were what whats when where which while who whom why will with would you your
  yours yourselves im ive id dont doesnt isnt arent cant wont also really actually anyone someone
  something thing things way ways want wanna gonna hey hi hello thanks thank ok okay
  one ones good best better bot internprep tip tips advice suggestions
  thru af lol lmao yeah yea kinda sorta gotta literally basically
  dear kindly whether regarding grateful advise wondering
  um umm uh uhh uhm hmm hmmm hm er erm eh ah oh ooh haha hahaha yep yup nope alright anyway anyways
  lemme btw omg fr bro dude guys go goes going went`
    .split(/\s+/)
    .filter(Boolean),
);

const SALUTATION = /^\s*(?:dear|hi|hello|hey)\s+[a-z]+(?:\s+[a-z]+)?\s*[,:!]/;

/** "Go" the language: after learning/knowing/using it, beside another language, or as "go lang" ("golang" is a word already). */
const GO_LANGUAGE =
  /\b(?:(?<=\b(?:or|vs|versus)\s)go|(?<=\b(?:learn|learning|learned|know|knowing|use|using|in|with|write|writing|and)\s)go(?!\s+(?:to|for|with|back|through|into|on|ahead|about|over|up|out|in|and|get|see|talk|ask|apply)\b)|go\slang)\b/g;

const R_LANGUAGE =
  /(?<!\b(?:what|wat|how|where|who|when|why|they|we|you|u|there|these|those|which|ur|your)\s)\br\b(?![&/])/g;

/** Spellings that tokenizing would otherwise destroy. */
const SPECIAL_TOKENS: ReadonlyArray<readonly [RegExp, string]> = [
  [/c\+\+/g, " cpp "],
  [/\ba\/b\b/g, " ab "],
  [/c#/g, " csharp "],
  [/\.net\b/g, " dotnet "],
  // "$25/hr", "8k a month": an amount of money is a question about pay.
  [/\$\s?\d[\d,.]*k?|\b\d[\d,.]*\s?(?:k|usd|dollars?)\b/g, " pay "],
  [/\/\s?(?:hr|hour|h)\b/g, " per hour "],
];

/**
 * Splits text into lowercase words: accents folded, punctuation dropped, apostrophes joined
 * ("don't" → "dont").
 *
 * @example
 * words("Résumé tips for C++ roles?"); // ["resume", "tips", "for", "cpp", "roles"]
 */
export function words(text: string): string[] {
  // Accents are folded only when there are any: most text is plain ASCII.
  let folded = (
    /[^\p{ASCII}]/u.test(text) ? text.normalize("NFKD").replace(/\p{M}/gu, "") : text
  ).toLowerCase();
  // "Dear advisor," / "hi team:" opening a message names who is asked, not what.
  if (/^\s*(?:dear|hi|hello|hey)\s/.test(folded)) folded = folded.replace(SALUTATION, " ");
  // "R" the language is one letter, which filler would drop; "what r the rounds" is texting "are".
  if (/\br\b/.test(folded)) folded = folded.replace(R_LANGUAGE, " rlang ");
  // "Go" the language; the verb ("go to the career fair") is filler.
  if (/\bgo\b/.test(folded)) folded = folded.replace(GO_LANGUAGE, " golang ");
  if (/[+/#.$\d]/.test(folded)) {
    for (const [pattern, replacement] of SPECIAL_TOKENS)
      folded = folded.replace(pattern, replacement);
  }
  return folded
    .replace(/['’]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** True for words that never help find an entry. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || (word.length < 2 && !/\d/.test(word));
}

/**
 * The search key of a word: its Porter stem ("interviews" → "interview").
 *
 * @example
 * stem("internships"); // "internship"
 */
export function stem(word: string): string {
  return stemmer(word);
}

/** The meaningful words of a text, in order, each with its stem. */
export function keywords(text: string): Array<{ word: string; stem: string }> {
  return words(text)
    .filter((w) => !isStopWord(w))
    .map((word) => ({ word, stem: stem(word) }));
}

const STEM_CACHE_SIZE = 50_000;

/** "interviewers" → "interviewer", "boxes" → "box": a plural's singular, for synonym lookup. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith("es") && /(?:s|x|z|ch|sh)es$/.test(word)) {
    return word.slice(0, -2);
  }
  return word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
}

/** A meaningful word of a text and its search key. */
export interface Keyword {
  word: string;
  stem: string;
  /**
   * How many words the one concept it belongs to was written out as, when more than one: "swe"
   * and "software engineering" are both the 2 words of "software engineering", one idea.
   */
  of?: number;
}

interface Phrase {
  stems: string[];
  canonical: Keyword[];
}

/**
 * Turns text into search keywords with the knowledge base's synonyms applied, the same way for
 * entries and for questions, so "cv", "résumé" and "resume" meet in one index term, and
 * "freshman" finds entries that say "first year".
 *
 * Every term of a group is read as the group's first term: "u" → "you" (which is then filler),
 * "interns make" → "salary", "f1 student" → "visa" (longest phrase first, so "f1 student" is not
 * the metric "f1").
 *
 * @example
 * const analyzer = new TextAnalyzer([{ id: "resume", terms: ["resume", "cv"] }]);
 * analyzer.keywords("fix my CV").map((k) => k.stem); // ["fix", "resum"]
 */
export class TextAnalyzer {
  private readonly single = new Map<string, Keyword[]>();
  private readonly stems = new Map<string, string>();
  /** Phrases by the stem of their first word, longest first. */
  private readonly phrases = new Map<string, Phrase[]>();
  /** Every word of a synonym term, mapped to the index term it stands for (for typo correction). */
  readonly surfaces = new Map<string, string>();

  constructor(groups: readonly SynonymGroup[] = []) {
    for (const group of groups) {
      const [first = "", ...others] = group.terms;
      const plain = keywords(first);
      const canonical = plain.length > 1 ? plain.map((k) => ({ ...k, of: plain.length })) : plain;
      for (const term of [first, ...others]) {
        const termWords = words(term);
        const stems = termWords.map(stem);
        if (stems.length === 0) continue;
        if (stems.length === 1) {
          // Keyed by the word as written, not its stem: stems collide ("ats" and "at",
          // "production" and "product", "openings" and "open source").
          const key = termWords[0] as string;
          if (term !== first) this.single.set(key, canonical);
          const target = canonical[0]?.stem;
          if (target && canonical.length === 1) this.surfaces.set(termWords[0] as string, target);
          continue;
        }
        const list = this.phrases.get(stems[0] as string) ?? [];
        list.push({ stems, canonical });
        list.sort((a, b) => b.stems.length - a.stems.length);
        this.phrases.set(stems[0] as string, list);
      }
    }
  }

  /** The meaningful words of a text, in order, synonyms applied. */
  keywords(text: string): Keyword[] {
    const all = words(text);
    const stems = all.map((w) => this.stemOf(w));
    const out: Keyword[] = [];
    for (let i = 0; i < all.length; i++) {
      const phrase = this.phraseAt(stems, i);
      if (phrase) {
        out.push(...phrase.canonical);
        i += phrase.stems.length - 1;
        continue;
      }
      const word = all[i] as string;
      const mapped = this.single.get(word) ?? this.single.get(singular(word));
      if (mapped) out.push(...mapped);
      else if (!isStopWord(word)) out.push({ word, stem: stems[i] as string });
    }
    return out;
  }

  /** Stems are remembered: building the index stems the same few thousand words many times. */
  private stemOf(word: string): string {
    let found = this.stems.get(word);
    if (found === undefined) {
      found = stem(word);
      if (this.stems.size >= STEM_CACHE_SIZE) this.stems.clear();
      this.stems.set(word, found);
    }
    return found;
  }

  private phraseAt(stems: readonly string[], at: number): Phrase | undefined {
    const candidates = this.phrases.get(stems[at] as string);
    if (!candidates) return undefined;
    return candidates.find((p) => p.stems.every((s, k) => stems[at + k] === s));
  }
}

/**
 * "Write my cover letter for me", "fix my code", "find the eigenvalues of …": requests to do a
 * task rather than questions. The bot answers questions from its knowledge base; it declines
 * these honestly (with the closest entries as suggestions) instead of answering something else.
 */
const TASK_REQUEST =
  /^(?:(?:pls|please|plz|ok|hey|yo|just|now|also|can you|could you|can u|could u|would you|will you|i need you to|i want you to|go ahead and)\s+)*(?:write|rewrite|build|make|create|generate|draw|summari[sz]e|translate|fix|debug|solve|calculate|compute|set|book|code|implement|diagnose|finish|complete|proofread|grade|train|run|send|paste)\s+(?:me|my|this|these|that|the|a|an|it|up|out|us|all|your|some|today'?s)\b(?! (?:resume|cv|portfolio|github|linkedin)\b)/;
/** "what's wrong with my code", "find the bug in my…", "CUDA out of memory": debugging, not a question. */
const DEBUG_MY_CODE =
  /\bwhats? wrong (?:with|w\/?) (?:my|this) (?:code|script|program|model)\b|\b(?:cuda )?out of memory\b|\bfind the (?:bug|error|mistake) in (?:my|this)\b/;
const HOMEWORK =
  /\b(?:do|finish|solve|answer)\s+(?:my|this|these)\s+(?:[a-z0-9]+\s+){0,2}(?:hw|homework|assignment|exam|quiz|test|problem set|pset)\b|\bfor my (?:[a-z0-9]+\s+){0,2}(?:hw|homework|midterm|quiz|exam|final exam|problem set|pset)\b|\bhelp me cheat\b|\b(?:give|send|tell) me (?:the )?answers\b|\banswers? (?:to|for) (?:problem|question|q|#)\s?\d/;
/** A bare "pls fix" or "fix it pls" closing a message that pasted something. */
const BARE_REQUEST =
  /^(?:pls|please|plz|can you|can u|could you)\s+(?:fix|debug|solve)(?:\s+(?:it|this|that))?$|^(?:fix|debug|solve) (?:it|this|that) (?:pls|please|plz)$/;
/** A pasted error message or stack trace: debugging code is not what the bot does. */
const ERROR_TRACE = /\b[A-Z]\w*(?:Error|Exception):|Traceback \(most recent call last\)/;
/** "here's the traceback": the error follows, to be debugged. */
const PASTED_ERROR = /\bhere'?s the (?:traceback|stack ?trace|error)\b/;

/**
 * A word every pattern above needs (each one's verb, its noun, "wrong", "memory", "find", "here",
 * "error"…): a message with none of them, as most questions are, is no task, and is not split
 * into clauses and tried against each pattern in turn. A pattern given a new word needs it here
 * too, or it never sees the messages that have it.
 */
const TASK_WORD =
  /\b(?:write|rewrite|build|make|create|generate|draw|summari[sz]e|translate|fix|debug|solve|calculate|compute|set|book|code|implement|diagnose|finish|complete|proofread|grade|train|run|send|paste|hw|homework|assignment|exam|quiz|test|problem|pset|midterm|cheat|answer|wrong|memory|find|here)|error|exception|traceback/;

/**
 * True when a message asks the bot to do something (write, fix, solve…) or pastes an error,
 * rather than asking a question it could answer.
 *
 * @example
 * asksForATask("write my cover letter for me"); // true
 * asksForATask("how do i write a cover letter"); // false
 */
export function asksForATask(text: string): boolean {
  const lower = text.toLowerCase();
  if (!TASK_WORD.test(lower)) return false;
  const plain = lower.trim().replace(/\s+/g, " ");
  // Each clause on its own: "i think i have anxiety, can u diagnose me" ends with a request.
  const clauses = plain.split(/[.,;:!?]\s*/);
  return (
    clauses.some((clause) => TASK_REQUEST.test(clause) || BARE_REQUEST.test(clause.trim())) ||
    HOMEWORK.test(plain) ||
    DEBUG_MY_CODE.test(plain.replace(/[’']/g, "")) ||
    ERROR_TRACE.test(text) ||
    PASTED_ERROR.test(plain)
  );
}
