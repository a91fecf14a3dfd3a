/** A readable log line taken apart, each field's value as the logger was given it. */
export interface ParsedReadableLine {
  time: string;
  level: string;
  message: string;
  fields: Record<string, string>;
}

const FIELD = /([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
const LINE = new RegExp(`^(\\d\\d:\\d\\d:\\d\\d) (\\S+) +(.*?)(?:  ((?:${FIELD.source} ?)+))?$`);

/** Reads a line of `readableLogLine` back (quoted values unquoted); undefined for any other line. */
export function parseReadableLine(line: string): ParsedReadableLine | undefined {
  const match = LINE.exec(line);
  if (match === null) return undefined;
  const [, time, level, message, fieldsText = ''] = match;
  const fields: Record<string, string> = {};
  for (const [, name, value] of fieldsText.matchAll(FIELD)) {
    fields[name] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return { time, level, message, fields };
}
