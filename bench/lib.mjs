// make bench's helpers: statistics, the generated inputs (1,000 requests to sign, 10,000 texts
// to count), the peer stack's bundle, and the table. Pure and quick: tests/ui loads them.
import { gzipSync } from 'node:zlib';

/** @param {number[]} xs @returns {{median: number, min: number, max: number, runs: number}} */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: s.length };
}

/** Bytes of `data` gzip-compressed at the highest level, as a web server would send it. */
export function gzipBytes(data) {
  return gzipSync(data, { level: 9 }).length;
}

/** A small deterministic generator (xorshift32), so every run measures the same inputs. */
export function rng(seed = 0x9e3779b9) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
  const pick = (list) => list[Math.floor(next() * list.length)];
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, pick, int };
}

const WORDS = ['post', 'thread', 'hello', 'keypost', 'rust', 'wasm', 'x', 'api', 'status', 'café',
  'naïve', 'über', 'schedule', 'draft', 'signal', 'tilde~', 'a+b', 'q&a', '100%', 'semi;colon'];

/** `n` varied requests to sign: methods, URLs with and without queries, form bodies with
 * reserved and non-ASCII characters, four keys of the lengths X issues. */
export function signingRequests(n = 1000) {
  const r = rng(1234567);
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const token = (len) => Array.from({ length: len }, () => r.pick([...alnum])).join('');
  const paths = ['/2/tweets', '/2/users/me', '/1.1/media/upload.json', '/2/tweets/search/recent',
    '/2/users/12345/timelines/reverse_chronological'];
  const out = [];
  for (let i = 0; i < n; i++) {
    const method = r.pick(['GET', 'POST', 'POST', 'DELETE']);
    const query = r.next() < 0.5 ? '' : `?${Array.from({ length: r.int(1, 4) }, (_, k) =>
      `${['max_results', 'query', 'user.fields', 'expansions'][k]}=${encodeURIComponent(r.pick(WORDS))}`).join('&')}`;
    const url = `https://api.x.com${r.pick(paths)}${query}`;
    const form = method === 'POST' && r.next() < 0.6
      ? Array.from({ length: r.int(1, 5) }, (_, k) => [`field${k}`, Array.from({ length: r.int(1, 12) }, () => r.pick(WORDS)).join(' ')])
      : [];
    out.push({
      method, url, form,
      keys: {
        api_key: token(25), api_secret: token(50),
        access_token: `${r.int(1000, 999999999)}-${token(30)}`, access_token_secret: token(45),
      },
      nonce: token(32),
      timestamp: 1_700_000_000 + i,
    });
  }
  return out;
}

// Emoji twitter-text 3.1.0 knows (Unicode 11 and earlier), and a few it does not (later
// versions): texts with the latter are counted but left out of the agreement figure.
export const KNOWN_EMOJI = ['😀', '👍', '👍🏽', '❤️', '🇯🇵', '🇫🇷', '👨‍👩‍👧‍👦', '🏳️‍🌈', '👩🏾‍💻', '🤦‍♂️', '☕', '🎉', '1️⃣', '🧑'];
export const NEW_EMOJI = ['🫠', '🩷', '🫶🏻', '🐦‍🔥', '🥹'];
const CJK = ['你好世界', '日本語のテキスト', '한국어 문장', '漢字かなカナ', '中文推文测试'];
const RTL = ['\u200f', '\u200e', 'שלום', 'مرحبا', '\u202b'];
const URLS = ['https://example.com', 'http://t.co/abc', 'example.org/path?q=1', 'https://a.very.long.domain.example.net/some/long/path/with/segments?and=query&more=yes',
  'www.keypost.dev', 'https://xn--bcher-kva.example/ü'];

/** `n` mixed texts: ASCII, CJK, emoji sequences, URLs, RTL marks, from short to over the limit.
 * Each is `{text, newEmoji}`: `newEmoji` when it holds an emoji newer than twitter-text's. */
export function countingTexts(n = 10000) {
  const r = rng(424242);
  const out = [];
  for (let i = 0; i < n; i++) {
    const parts = [];
    let newEmoji = false;
    const len = r.pick([1, 3, 8, 20, 40, 70]);
    for (let k = 0; k < len; k++) {
      const kind = r.next();
      if (kind < 0.45) parts.push(r.pick(WORDS));
      else if (kind < 0.6) parts.push(r.pick(CJK));
      else if (kind < 0.72) parts.push(r.pick(KNOWN_EMOJI));
      else if (kind < 0.74) { parts.push(r.pick(NEW_EMOJI)); newEmoji = true; }
      else if (kind < 0.86) parts.push(r.pick(URLS));
      else if (kind < 0.93) parts.push(r.pick(RTL));
      else parts.push(String(r.int(0, 99999)));
    }
    out.push({ text: parts.join(r.pick([' ', ' ', '\n', ' '])), newEmoji });
  }
  return out;
}

/** The peer extension's page-side JavaScript: OAuth 1.0a signing with crypto-js's HMAC-SHA1,
 * and twitter-text's counter, as one browser bundle's entry. */
export const PEER_ENTRY = `
import OAuth from 'oauth-1.0a';
import hmacSha1 from 'crypto-js/hmac-sha1.js';
import base64 from 'crypto-js/enc-base64.js';
import twitter from 'twitter-text';
export function makeOAuth(key, secret) {
  return new OAuth({ consumer: { key, secret }, signature_method: 'HMAC-SHA1',
    hash_function: (text, k) => base64.stringify(hmacSha1(text, k)) });
}
export const parseTweet = twitter.parseTweet;
`;

const fmtNumber = (v, unit) => {
  if (v === undefined || v === null || Number.isNaN(v)) return '-';
  if (unit === 'B') return v >= 10240 ? `${(v / 1024).toFixed(1)} KB` : `${v} B`;
  if (unit === 'ms') return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
  return `${v} ${unit}`;
};

/** One figure as `median (min-max)`, or the plain value for a single measurement. */
export function fmt(f) {
  if (!f) return '-';
  if (f.value !== undefined) return fmtNumber(f.value, f.unit);
  if (f.runs === 1) return fmtNumber(f.median, f.unit);
  return `${fmtNumber(f.median, f.unit)} (${fmtNumber(f.min, f.unit)}-${fmtNumber(f.max, f.unit)})`;
}

/** The table as Markdown: one line per measured figure. */
export function table(rows) {
  const lines = ['| # | what | ours | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.row} | ${r.what} | error: ${r.error} | | | ${r.target ?? ''} | |`);
      continue;
    }
    const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x${r.ratioNote ? ` ${r.ratioNote}` : ''}`;
    const met = r.met === undefined ? '' : r.met ? 'yes' : 'no';
    lines.push(`| ${r.row} | ${r.what} | ${fmt(r.ours)} | ${r.baselineName ? `${r.baselineName}: ` : ''}${fmt(r.baseline)} | ${ratio} | ${r.target ?? ''} | ${met} |`);
  }
  return lines.join('\n');
}
