import {
  ALL_CHANNEL_WORDS,
  CONTACT_VERBS,
  FOREIGN_STOP,
  FUZZY_TARGETS,
  KEYWORDS,
  LOOK_ALIKES,
  OTHER_STOP_WORDS,
  REAL_WORDS_NEAR_KEYWORDS,
  REVOCATION_PATTERNS,
  SIGNATURES,
  STOP_SYMBOLS,
  UNSURE_PATTERNS,
} from './revocation-words.js';

export type NamedChannel = 'call' | 'sms' | 'email';

/**
 * What an inbound message says about consent. `channels` are the channels its words
 * name besides the one it came by ("stop calling me" names calls; "wrong number" calls
 * and texts; "stop all contact" every channel).
 */
export type InboundVerdict =
  | { kind: 'keyword'; keyword: 'stop' | 'start' | 'help'; matched: string; channels: NamedChannel[] }
  | { kind: 'revocation'; matched: string; confidence: 'high'; channels: NamedChannel[] }
  | { kind: 'unsure'; matched: string; why: string; channels: NamedChannel[] }
  | { kind: 'none' };

/** Longer than any concatenated text; the rest of a message is not read. */
const MAX_READ = 2_000;

/** Letters of other scripts that look like Latin ones, as phones and keyboards sometimes send them. */
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ѕ: 's', і: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const ALL_CHANNELS: NamedChannel[] = ['call', 'sms', 'email'];

/**
 * The message as the classifier reads it: compatibility forms folded (full-width,
 * ligatures), invisible format characters dropped, look-alike letters of other scripts
 * and digits inside words read as the Latin letters they imitate, lower case, accents
 * off, apostrophes dropped ("don't" → "dont"), runs of one letter shortened, clause
 * punctuation as " | " and every other symbol as a space. Bounded: reads at most 2,000
 * characters, linear in its input.
 */
export function normalizeInbound(text: string): string {
  const folded = String(text ?? '')
    .slice(0, MAX_READ)
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{Cc}\p{Co}\p{Cs}]/gu, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' | ' : ''))
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u201B\u02BC\u0060\u00B4']/g, '');
  const words = folded.replace(/[^\s.!?;,|]+/g, (token) => {
    // A word of look-alike letters only ("ЅТОР") is read as Latin; a word of its own script ("стоп") is left alone.
    const scripts = [...token].every((c) => c in CONFUSABLE || /[\x00-\x7f]/.test(c)) ? [...token].map((c) => CONFUSABLE[c] ?? c).join('') : token;
    // Digits for letters inside a word ("st0p", "5TOP"), not in times and amounts ("5pm").
    const plain = (scripts.match(/[a-z]/g)?.length ?? 0) >= 3 && /[0-9@$]/.test(scripts) ? [...scripts].map((c) => LEET[c] ?? c).join('') : scripts;
    return plain.replace(/([a-z])\1{2,}/g, '$1');
  });
  return words
    .replace(/[.!?;,|]+/g, ' | ')
    .replace(/[^\p{L}\p{N}|]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/(?:\| )+\|/g, '|')
    .replace(/^[\s|]+|[\s|]+$/g, '');
}

const flatten = (n: string) => n.replace(/\|/g, ' ').replace(/\s+/g, ' ').trim();

function withoutSignature(n: string): string {
  let out = n;
  for (let i = 0; i < 3; i++) {
    const next = out.replace(/\s*\|?\s*$/, '').replace(SIGNATURES, '').replace(/[\s|]+$/, '');
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Damerau (optimal string alignment) distance, given up past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The channels the words name; `all` words name every one. */
function namedChannels(span: string, whole: string): NamedChannel[] {
  if (ALL_CHANNEL_WORDS.test(whole)) return [...ALL_CHANNELS];
  const named = new Set<NamedChannel>();
  for (const w of span.split(/[\s|]+/)) {
    const c = CONTACT_VERBS[w];
    if (c) named.add(c);
  }
  return ALL_CHANNELS.filter((c) => named.has(c));
}

function revocation(matched: string, channels: NamedChannel[]): InboundVerdict {
  return { kind: 'revocation', matched, confidence: 'high', channels };
}

/**
 * Reads an inbound text (or a transcript of words said) for consent:
 * - `keyword`: the message is only a carrier keyword (STOP, STOP ALL, OPT OUT, START, HELP …)
 *   in any case, width or punctuation, with emoji or a phone's signature around it;
 * - `revocation`: free text that clearly asks not to be contacted ("please stop texting me",
 *   "remove me from your list", "wrong number", "no me llamen más"), misspelt keywords;
 * - `unsure`: may be one ("not interested", "how did you get my number?", "stop, I am driving");
 *   the caller never ignores it;
 * - `none`: an ordinary reply, look-alikes included ("don't stop the delivery").
 */
export function classifyInboundText(text: string): InboundVerdict {
  const raw = String(text ?? '');
  if (!raw.trim()) return { kind: 'none' };
  const n = withoutSignature(normalizeInbound(raw));
  const flat = flatten(n);
  if (!flat) {
    return STOP_SYMBOLS.test(raw.slice(0, MAX_READ).trim()) ? { kind: 'unsure', matched: raw.trim().slice(0, 20), why: 'a stop sign or raised hand', channels: [] } : { kind: 'none' };
  }
  // Letters sent one by one ("S T O P").
  const joined = /^(?:[a-z] ){2,}[a-z]$/.test(flat) ? flat.replace(/ /g, '') : flat;
  for (const keyword of ['stop', 'start', 'help'] as const) {
    if ((KEYWORDS[keyword] as readonly string[]).includes(joined)) {
      return { kind: 'keyword', keyword, matched: joined.toUpperCase(), channels: keyword === 'stop' ? namedChannels(joined, joined) : [] };
    }
  }
  if (OTHER_STOP_WORDS.includes(joined) || FOREIGN_STOP.includes(joined)) return revocation(joined, namedChannels(joined, joined));
  if (!joined.includes(' ') && !REAL_WORDS_NEAR_KEYWORDS.includes(joined)) {
    for (const target of FUZZY_TARGETS) if (distance(joined, target, 1) === 1) return revocation(`${joined} (${target})`, namedChannels(target, target));
  }

  let clauses = ` ${n} `;
  for (const re of LOOK_ALIKES) clauses = clauses.replace(re, ' | ');
  clauses = clauses.replace(/\s+/g, ' ').trim();
  for (const p of REVOCATION_PATTERNS) {
    const m = p.re.exec(clauses);
    if (!m) continue;
    // The channels named in the clause the words stand in ("stop calling and texting me").
    const clause = clauses.slice(m.index).split('|')[0];
    const channels = p.name === 'wrong number' ? (['call', 'sms'] as NamedChannel[]) : namedChannels(clause, clauses);
    return revocation(`${p.name}: ${m[0].trim()}`, channels);
  }
  const rest = flatten(clauses);
  for (const p of UNSURE_PATTERNS) {
    const m = p.re.exec(p.name === 'stop and more' || p.name === 'ends with stop' || p.name === 'bare no' ? rest : clauses);
    if (m) return { kind: 'unsure', matched: m[0].trim(), why: p.why, channels: namedChannels(m[0], rest) };
  }
  return { kind: 'none' };
}
