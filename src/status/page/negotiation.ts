/**
 * Which answer `GET /status` gives: the HTML page for a client that prefers `text/html` over
 * `application/json` (what a browser sends), the JSON for everyone else.
 */

/**
 * True when the page is the answer: `?format=html`, or, unless `?format=json`, an Accept
 * header that gives `text/html` a higher quality than `application/json`. A tie (an Accept
 * of any type, or both at the same quality) and no Accept header answer JSON, so curl,
 * monitors and scripts keep what they had. Any other `format` value (a typo, another case,
 * a repeated parameter) is ignored rather than refused: a status probe never fails over a
 * query parameter, and the Accept header decides.
 */
export function prefersHtml(acceptHeader: string | undefined, formatQuery: unknown): boolean {
  if (formatQuery === 'html') return true;
  if (formatQuery === 'json') return false;
  if (acceptHeader === undefined) return false;
  const ranges = parseAccept(acceptHeader);
  return quality(ranges, 'text', 'html') > quality(ranges, 'application', 'json');
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const QUALITY = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

/** The media ranges of an Accept header (RFC 9110, 12.5.1); a malformed range is left out. */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [mediaRange, ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const [type, subtype, extra] = mediaRange.split('/');
    if (extra !== undefined || !TOKEN.test(type ?? '') || !TOKEN.test(subtype ?? '')) continue;
    if (type === '*' && subtype !== '*') continue;
    let q = 1;
    let valid = true;
    for (const parameter of parameters) {
      const [name, value] = parameter.split('=').map((piece) => piece.trim());
      if (name !== 'q') continue;
      valid = value !== undefined && QUALITY.test(value);
      q = Number(value);
    }
    if (valid) ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The quality the most specific matching range gives `type/subtype`: 0 when none matches. */
function quality(ranges: readonly MediaRange[], type: string, subtype: string): number {
  let best = { specificity: -1, q: 0 };
  for (const range of ranges) {
    const specificity = specificityFor(range, type, subtype);
    if (specificity > best.specificity || (specificity === best.specificity && range.q > best.q)) {
      best = { specificity, q: range.q };
    }
  }
  return best.specificity < 0 ? 0 : best.q;
}

/** 2 for `text/html` itself, 1 for `text/*`, 0 for any type, -1 when the range does not match. */
function specificityFor(range: MediaRange, type: string, subtype: string): number {
  if (range.type === '*') return 0;
  if (range.type !== type) return -1;
  if (range.subtype === '*') return 1;
  return range.subtype === subtype ? 2 : -1;
}
