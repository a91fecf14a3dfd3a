import { DynamoDBDocumentClient, paginateQuery, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';
import {
  AMI_JOB_ID_PREFIX,
  AMI_RECORD_TYPE,
  JOB_STATUS_INDEX,
  STATE_TABLE_ATTRIBUTES,
} from '../ami-state/state-table';

/** The job records could not be read; the message is for logs, never for a response. */
export class JobRecordsUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The runner job records could not be read', { cause });
    this.name = 'JobRecordsUnavailableError';
  }
}

/** A range of createdAt on the status-index: from `from` (included) to `to` (excluded), or on without end. */
export interface CreatedAtRange {
  from: string;
  to?: string;
}

/** Where a read of the index stopped: the last entry read, to resume after it. */
export interface IndexPosition {
  createdAt: string;
  key: Record<string, unknown>;
}

/**
 * What a read of a range gave: its `createdAt` values, the index entries read and the read
 * units spent, and where it stopped when it read one page and the range holds more.
 */
export interface CreationTimes {
  createdAts: unknown[];
  entriesRead: number;
  readUnits: number;
  stoppedAt?: IndexPosition;
}

/** Records a query of the oldest-first read evaluates: the first one normally answers. */
export const OLDEST_PAGE_LIMIT = 5;
/** Queries the oldest-first read makes at most: past them the oldest is unknown, never a scan. */
export const OLDEST_MAX_PAGES = 4;

/**
 * How the oldest-first read of one status ended: at the oldest record whose `createdAt` was
 * taken, at the end of the status, or at its bound with none taken. `skippedJobIds` are the
 * records before that whose `createdAt` was refused, oldest first.
 */
export type OldestJobRecord =
  | { kind: 'found'; createdAt: string; skippedJobIds: string[] }
  | { kind: 'none'; skippedJobIds: string[] }
  | { kind: 'bound-reached'; skippedJobIds: string[] };

/**
 * The platform's runner job records, read through its `status-index` GSI (partition
 * `status`, sort `createdAt`). AMI records share the table, with a `status` of their own
 * (`failed` too): every query leaves them out. Read only; the webhook side writes them.
 */
@Injectable()
export class JobRecordsRepository {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** How many job records are in `status`, over every page (a COUNT query stops at 1 MB read). */
  async countInStatus(status: string, abortSignal: AbortSignal): Promise<number> {
    let count = 0;
    for await (const page of this.query({ Select: 'COUNT' }, status, undefined, abortSignal)) {
      count += page.Count ?? 0;
    }
    return count;
  }

  /**
   * The `createdAt` of every job record in `status` in `range` of the index's order, after
   * `startAfter` if given, with what reading them cost; the caller decides the windows by
   * instant. Every page, or only the first with `onePage` (then `stoppedAt` says where).
   */
  async creationTimesIn(
    status: string,
    range: CreatedAtRange,
    abortSignal: AbortSignal,
    { onePage = false, startAfter }: { onePage?: boolean; startAfter?: IndexPosition } = {},
  ): Promise<CreationTimes> {
    const read: CreationTimes = { createdAts: [], entriesRead: 0, readUnits: 0 };
    const onlyCreatedAt = { ProjectionExpression: '#createdAt', ReturnConsumedCapacity: 'TOTAL' as const };
    for await (const page of this.query(onlyCreatedAt, status, range, abortSignal, startAfter?.key)) {
      read.entriesRead += page.ScannedCount ?? 0;
      read.readUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
      for (const item of page.Items ?? []) {
        // BETWEEN includes its end: a record at `to` is the next range's first.
        if (item.createdAt !== range.to) read.createdAts.push(item.createdAt);
      }
      const last = page.LastEvaluatedKey;
      if (onePage && last !== undefined) {
        read.stoppedAt = { createdAt: String(last[JOB_STATUS_INDEX.sortKey]), key: last };
        break;
      }
    }
    return read;
  }

  /**
   * The oldest job record in `status` whose `createdAt` `accepts` takes: the index read in
   * ascending `createdAt`, OLDEST_PAGE_LIMIT records a query, stopping at the first taken,
   * at the end of the status or after OLDEST_MAX_PAGES queries.
   */
  async oldestInStatus(
    status: string,
    accepts: (createdAt: unknown) => createdAt is string,
    abortSignal: AbortSignal,
  ): Promise<OldestJobRecord> {
    const skippedJobIds: string[] = [];
    const oldestFirst = {
      ScanIndexForward: true,
      Limit: OLDEST_PAGE_LIMIT,
      ProjectionExpression: '#jobId, #createdAt',
    };
    let pages = 0;
    for await (const page of this.query(oldestFirst, status, undefined, abortSignal)) {
      for (const item of page.Items ?? []) {
        const createdAt: unknown = item.createdAt;
        if (accepts(createdAt)) return { kind: 'found', createdAt, skippedJobIds };
        skippedJobIds.push(String(item.jobId));
      }
      if (page.LastEvaluatedKey === undefined) break;
      if (++pages === OLDEST_MAX_PAGES) return { kind: 'bound-reached', skippedJobIds };
    }
    return { kind: 'none', skippedJobIds };
  }

  private async *query(
    select: Pick<
      QueryCommandInput,
      'Select' | 'ProjectionExpression' | 'Limit' | 'ScanIndexForward' | 'ReturnConsumedCapacity'
    >,
    status: string,
    range: CreatedAtRange | undefined,
    abortSignal: AbortSignal,
    startAfter?: Record<string, unknown>,
  ) {
    try {
      yield* paginateQuery(
        { client: this.documentClient, startingToken: startAfter },
        {
          TableName: this.config.stateTableName,
          IndexName: JOB_STATUS_INDEX.name,
          KeyConditionExpression: keyCondition(range),
          // An attribute that is absent compares unequal, so NOT … = keeps records without a recordType.
          FilterExpression: 'NOT begins_with(#jobId, :amiPrefix) AND NOT #recordType = :ami',
          ExpressionAttributeNames: {
            '#status': JOB_STATUS_INDEX.partitionKey,
            '#jobId': STATE_TABLE_ATTRIBUTES.jobId,
            '#recordType': STATE_TABLE_ATTRIBUTES.recordType,
            // DynamoDB refuses a name no expression uses.
            ...((range !== undefined || select.ProjectionExpression !== undefined) && {
              '#createdAt': JOB_STATUS_INDEX.sortKey,
            }),
          },
          ExpressionAttributeValues: {
            ':status': status,
            ':amiPrefix': AMI_JOB_ID_PREFIX,
            ':ami': AMI_RECORD_TYPE,
            ...(range !== undefined && { ':from': range.from }),
            ...(range?.to !== undefined && { ':to': range.to }),
          },
          ...select,
        },
        { abortSignal },
      );
    } catch (error) {
      throw new JobRecordsUnavailableError(error);
    }
  }
}

/** A status, and a range of its createdAt if any: a key condition has one condition on the sort key. */
function keyCondition(range: CreatedAtRange | undefined): string {
  if (range === undefined) return '#status = :status';
  if (range.to === undefined) return '#status = :status AND #createdAt >= :from';
  return '#status = :status AND #createdAt BETWEEN :from AND :to';
}
