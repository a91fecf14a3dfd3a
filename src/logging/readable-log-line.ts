/** A log line as the JSON logger prints it: Powertools' fields and the line's own. */
export type PrintedLogLine = Record<string, unknown>;

/** Shown as the line's time, level and message rather than as fields. */
const HEADLINE_FIELDS = new Set(['timestamp', 'level', 'message']);

/** The same on every line of the service: shown by the JSON only. */
const SERVICE_FIELDS = new Set(['service', 'sampling_rate']);

const LEVEL_WIDTH = 5;

/** ANSI colours by level, for a terminal only. */
const LEVEL_COLOURS: Record<string, string> = {
  TRACE: '2',
  DEBUG: '2',
  INFO: '32',
  WARN: '33',
  ERROR: '31',
  CRITICAL: '1;31',
};

const paint = (code: string | undefined, text: string, colour: boolean) =>
  colour && code !== undefined ? `\u001b[${code}m${text}\u001b[0m` : text;

/**
 * One readable line for a person's terminal, from what the JSON line holds:
 * `12:04:05 WARN  Stale preset healed  preset=linux-x64 outcome=corrected`. The time is the
 * JSON's `timestamp` (UTC unless TZ says otherwise); every field but `service` and
 * `sampling_rate` follows as `name=value`, under its JSON name (`error.name` for a nested
 * one). Control characters are escaped, so a value never breaks the line or drives the
 * terminal; colours only when `colour` says so.
 */
export function readableLogLine(line: PrintedLogLine, { colour = false } = {}): string {
  const level = typeof line.level === 'string' ? line.level : 'INFO';
  const headline = [
    paint('2', timeOfDay(line.timestamp), colour),
    paint(LEVEL_COLOURS[level], level.padEnd(LEVEL_WIDTH), colour),
    escapeControls(typeof line.message === 'string' ? line.message : ''),
  ].join(' ');
  const fields = Object.entries(line)
    .filter(([name]) => !HEADLINE_FIELDS.has(name) && !SERVICE_FIELDS.has(name))
    .flatMap(([name, value]) => flatten(name, value))
    .map(([name, value]) => `${paint('2', `${escapeControls(name)}=`, colour)}${value}`);
  return fields.length === 0 ? headline : `${headline}  ${fields.join(' ')}`;
}

/** `hh:mm:ss` of an ISO timestamp, in the zone it was written in. */
function timeOfDay(timestamp: unknown): string {
  const time = typeof timestamp === 'string' ? /T(\d\d:\d\d:\d\d)/.exec(timestamp)?.[1] : undefined;
  return time ?? '--:--:--';
}

/** A nested object's fields under dotted names (`error.name`); anything else as one value. */
function flatten(name: string, value: unknown): [string, string][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [[name, '{}']];
    return entries.flatMap(([key, nested]) => flatten(`${name}.${key}`, nested));
  }
  return [[name, formatValue(value)]];
}

/** What a bare value never holds: space, quote, `=`, backslash, control or line separator. */
// eslint-disable-next-line no-control-regex
const NEEDS_QUOTES = /[\s"=\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A string as a bare word when it is one, otherwise quoted as JSON quotes it (on one line);
 * any other value as its JSON (`3`, `true`, `["a","b"]`), quoted only if it holds a space,
 * `=` or a control character.
 */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value === '' || NEEDS_QUOTES.test(value) ? quote(value) : value;
  const json = JSON.stringify(value) ?? String(value);
  return NEEDS_QUOTES.test(json.replace(/["\\]/g, '')) ? quote(json) : json;
}

const quote = (text: string) => `"${escapeControls(text.replace(/["\\]/g, '\\$&'))}"`;

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters and line separators as escapes (`\n`, `\u001b`), never raw. */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (character) => {
    const code = character.charCodeAt(0).toString(16).padStart(4, '0');
    return CONTROL_ESCAPES[character] ?? `\\u${code}`;
  });
}
