import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  UpdateCommand,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';
import { AmiRecord, isNormalisedInstant, ParsedAmiRecord, parseAmiRecord } from '../ami-state/ami-record';
import {
  AmiRecordStore,
  ConditionalWriteResult,
  FailedImage,
  ReadyImage,
} from '../ami-state/ami-record-store';
import { AmiStateUnavailableError } from '../ami-state/ami-state-unavailable.error';
import {
  AMI_RECORD_TYPE,
  AMI_RECORDS_INDEX,
  STATE_TABLE_ATTRIBUTES,
  STATE_TABLE_KEY,
} from '../ami-state/state-table';
import { TransitionGuard } from '../ami-state/transition-guard';

/** `status` is a reserved word; `updatedAt` is named alike for symmetry. */
const STATUS_AND_UPDATED_AT = {
  '#status': STATE_TABLE_ATTRIBUTES.status,
  '#updatedAt': STATE_TABLE_ATTRIBUTES.updatedAt,
};

/**
 * AMI records of the shared state table (the DynamoDB adapter of AmiRecordStore); runner job
 * records in it are never touched. Every write returns the record as written (`ALL_NEW`).
 */
@Injectable()
export class AmiStateRepository implements AmiRecordStore {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** Every AMI record, over every page of the recordType GSI; throws once `abortSignal` aborts. */
  async listAmiRecords(abortSignal?: AbortSignal): Promise<ParsedAmiRecord[]> {
    const records: ParsedAmiRecord[] = [];
    try {
      const pages = paginateQuery(
        { client: this.documentClient },
        {
          TableName: this.config.stateTableName,
          IndexName: AMI_RECORDS_INDEX.name,
          KeyConditionExpression: '#recordType = :ami',
          ExpressionAttributeNames: { '#recordType': AMI_RECORDS_INDEX.partitionKey },
          ExpressionAttributeValues: { ':ami': AMI_RECORD_TYPE },
        },
        { abortSignal },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) records.push(parseAmiRecord(item));
      }
    } catch (error) {
      throw new AmiStateUnavailableError(error);
    }
    return records;
  }

  /** The record as it is now (strongly consistent), or undefined when it is gone. */
  async findAmiRecord(jobId: string, abortSignal?: AbortSignal): Promise<ParsedAmiRecord | undefined> {
    const { Item } = await this.documentClient.send(
      new GetCommand({
        TableName: this.config.stateTableName,
        Key: { [STATE_TABLE_KEY]: jobId },
        ConsistentRead: true,
      }),
      { abortSignal },
    );
    return Item ? parseAmiRecord(Item) : undefined;
  }

  /**
   * Sets the record ready with the image's AMI, and marks the SSM update as pending until
   * `clearSsmPendingIfCurrent` says the runner config holds that AMI.
   */
  markReady(
    record: AmiRecord,
    image: ReadyImage,
    updatedAt: string,
    guard: TransitionGuard,
    pendingToken: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    return this.transition(
      record,
      guard,
      {
        set:
          '#status = :status, amiId = :amiId, buildId = :buildId, imageCreatedAt = :imageCreatedAt, ' +
          'ssmPendingAmiId = :amiId, ssmPendingToken = :pendingToken, #updatedAt = :updatedAt',
        remove: 'errorMessage',
        ExpressionAttributeValues: {
          ':status': 'ready',
          ':amiId': image.amiId,
          ':buildId': image.buildId,
          ':imageCreatedAt': image.imageCreatedAt,
          ':pendingToken': pendingToken,
          ':updatedAt': updatedAt,
        },
      },
      abortSignal,
    );
  }

  /** Sets the record failed with the image's reason, keeping its AMI (and any pending SSM update). */
  markFailed(
    record: AmiRecord,
    image: FailedImage,
    updatedAt: string,
    guard: TransitionGuard,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    return this.transition(
      record,
      guard,
      {
        set:
          '#status = :status, buildId = :buildId, errorMessage = :errorMessage, ' +
          'imageCreatedAt = :imageCreatedAt, #updatedAt = :updatedAt',
        ExpressionAttributeValues: {
          ':status': 'failed',
          ':buildId': image.buildId,
          ':errorMessage': image.errorMessage,
          ':imageCreatedAt': image.imageCreatedAt,
          ':updatedAt': updatedAt,
        },
      },
      abortSignal,
    );
  }

  /**
   * Clears the pending SSM update once the runner config holds `amiId`: only the very mark
   * `record` carries (its token), so a mark another writer set since is never erased, even
   * for the same AMI. A mark from before tokens is cleared by its AMI alone.
   */
  clearSsmPendingIfCurrent(
    record: AmiRecord,
    amiId: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    const token = record.ssmPendingToken;
    return this.update(
      record,
      {
        UpdateExpression: 'REMOVE ssmPendingAmiId, ssmPendingToken',
        ConditionExpression:
          token === undefined
            ? 'ssmPendingAmiId = :amiId AND attribute_not_exists(ssmPendingToken)'
            : 'ssmPendingAmiId = :amiId AND ssmPendingToken = :pendingToken',
        ExpressionAttributeValues: {
          ':amiId': amiId,
          ...(token !== undefined && { ':pendingToken': token }),
        },
      },
      abortSignal,
    );
  }

  /**
   * Marks the SSM update as pending for the record's current AMI: another writer's AMI
   * replaced ours after its own runner config update, so the config must follow again.
   */
  markSsmPendingIfAmi(
    record: AmiRecord,
    amiId: string,
    pendingToken: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    return this.update(
      record,
      {
        UpdateExpression: 'SET ssmPendingAmiId = :amiId, ssmPendingToken = :pendingToken',
        ConditionExpression: 'amiId = :amiId',
        ExpressionAttributeValues: { ':amiId': amiId, ':pendingToken': pendingToken },
      },
      abortSignal,
    );
  }

  /**
   * A transition's write: `set` and `remove` are its clauses, `:updatedAt` its time. A heal
   * (reconciliation's guard) also sets `healedAt` and counts itself in `healCount`, in the
   * same write; the AMI update events never touch them.
   */
  private transition(
    seen: AmiRecord,
    guard: TransitionGuard,
    change: { set: string; remove?: string } & Pick<UpdateCommandInput, 'ExpressionAttributeValues'>,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    // DynamoDB compares the stored text: exact for the normalised values this service writes.
    // A value stored otherwise (an offset, no milliseconds) was judged older by instant before
    // this write; the write then also holds if that value is still there.
    const storedOtherwise = seen.imageCreatedAt !== undefined && !isNormalisedInstant(seen.imageCreatedAt);
    const newerImage =
      `attribute_exists(${STATE_TABLE_KEY}) AND (attribute_not_exists(imageCreatedAt) OR imageCreatedAt < :imageCreatedAt` +
      (storedOtherwise ? ' OR imageCreatedAt = :seenImageCreatedAt)' : ')');
    // Reconciliation also requires what it saw: the same status and the same updatedAt, verbatim.
    const unchangedSinceRead = guard === 'unchanged-since-read';
    const updateExpression = [
      `SET ${change.set}${unchangedSinceRead ? ', healedAt = :updatedAt' : ''}`,
      ...(change.remove === undefined ? [] : [`REMOVE ${change.remove}`]),
      ...(unchangedSinceRead ? ['ADD healCount :one'] : []),
    ].join(' ');
    return this.update(
      seen,
      {
        UpdateExpression: updateExpression,
        ConditionExpression: unchangedSinceRead
          ? `#status = :seenStatus AND #updatedAt = :seenUpdatedAt AND ${newerImage}`
          : newerImage,
        ExpressionAttributeNames: STATUS_AND_UPDATED_AT,
        ExpressionAttributeValues: {
          ...change.ExpressionAttributeValues,
          ...(unchangedSinceRead && {
            ':seenStatus': seen.status,
            ':seenUpdatedAt': seen.updatedAt,
            ':one': 1,
          }),
          ...(storedOtherwise && { ':seenImageCreatedAt': seen.imageCreatedAt }),
        },
      },
      abortSignal,
    );
  }

  private async update(
    record: AmiRecord,
    change: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    let written: Record<string, unknown> | undefined;
    try {
      ({ Attributes: written } = await this.documentClient.send(
        new UpdateCommand({
          TableName: this.config.stateTableName,
          Key: { [STATE_TABLE_KEY]: record.jobId },
          ...change,
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal },
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { kind: 'superseded' };
      throw error;
    }
    const parsed = parseAmiRecord(written ?? {});
    if (parsed.kind === 'invalid') {
      // Applied, yet not a record this service understands (another writer's attribute):
      // a failure to report, never a record to go on with.
      throw new AmiStateUnavailableError(
        new Error(`AMI record as written is not understood: ${parsed.invalid.reason}`),
      );
    }
    return { kind: 'applied', record: parsed.record };
  }
}
