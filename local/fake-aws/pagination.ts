import { AwsError } from './aws-error';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * One page of `items` from the opaque `nextToken`, as AWS list APIs serve them: the token
 * is only valid for the list it came from, anything else is rejected with `invalidToken`.
 */
export function paginate<T>(
  items: readonly T[],
  listId: string,
  pageSize: number,
  nextToken: string | undefined,
  invalidToken: () => AwsError,
): Page<T> {
  let offset = 0;
  if (nextToken !== undefined) {
    const decoded = decodeToken(nextToken);
    if (!decoded || decoded.listId !== listId || decoded.offset > items.length) throw invalidToken();
    offset = decoded.offset;
  }
  const end = offset + pageSize;
  return {
    items: items.slice(offset, end),
    ...(end < items.length && { nextToken: encodeToken({ listId, offset: end }) }),
  };
}

function encodeToken(token: { listId: string; offset: number }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(token: string): { listId: string; offset: number } | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    const { listId, offset } = decoded as { listId?: unknown; offset?: unknown };
    if (typeof listId === 'string' && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) {
      return { listId, offset };
    }
  } catch {
    // fall through: not a token we issued
  }
  return undefined;
}
