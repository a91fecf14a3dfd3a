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
import { AMI_RECORD_TYPE, AmiRecord, ParsedAmiRecord, parseAmiRecord } from './ami-record';

/** The state table could not be read; the message is for logs, never for a response. */
export class AmiStateUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The AMI state table could not be read', { cause });
    this.name = 'AmiStateUnavailableError';
  }
}

/** `applied`: the record changed as asked. `superseded`: another writer changed it first. */
export type ConditionalWriteResult = 'applied' | 'superseded';

export interface ReadyImage {
  amiId: string;
  buildId: string;
}

export interface FailedImage {
  buildId: string;
  errorMessage: string;
}

const AMI_RECORDS_INDEX = 'recordType-index';

/** AMI records of the shared state table; runner job records in it are never touched. */
@Injectable()
export class AmiStateRepository {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** Every AMI record, over every page of the recordType GSI. */
  async listAmiRecords(): Promise<ParsedAmiRecord[]> {
    const records: ParsedAmiRecord[] = [];
    try {
      const pages = paginateQuery(
        { client: this.documentClient },
        {
          TableName: this.config.stateTableName,
          IndexName: AMI_RECORDS_INDEX,
          KeyConditionExpression: '#recordType = :ami',
          ExpressionAttributeNames: { '#recordType': 'recordType' },
          ExpressionAttributeValues: { ':ami': AMI_RECORD_TYPE },
        },
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
      new GetCommand({ TableName: this.config.stateTableName, Key: { jobId }, ConsistentRead: true }),
      { abortSignal },
    );
    return Item ? parseAmiRecord(Item) : undefined;
  }

  /** Sets the record ready with the image's AMI, only if nobody changed it since it was read. */
  markReadyIfUnchanged(
    record: AmiRecord,
    image: ReadyImage,
    updatedAt: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    return this.updateIfUnchanged(
      record,
      {
        UpdateExpression:
          'SET #status = :status, amiId = :amiId, buildId = :buildId, #updatedAt = :updatedAt REMOVE errorMessage',
        ExpressionAttributeValues: {
          ':status': 'ready',
          ':amiId': image.amiId,
          ':buildId': image.buildId,
          ':updatedAt': updatedAt,
        },
      },
      abortSignal,
    );
  }

  /** Sets the record failed with the image's reason, keeping its AMI, only if nobody changed it. */
  markFailedIfUnchanged(
    record: AmiRecord,
    image: FailedImage,
    updatedAt: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    return this.updateIfUnchanged(
      record,
      {
        UpdateExpression:
          'SET #status = :status, buildId = :buildId, errorMessage = :errorMessage, #updatedAt = :updatedAt',
        ExpressionAttributeValues: {
          ':status': 'failed',
          ':buildId': image.buildId,
          ':errorMessage': image.errorMessage,
          ':updatedAt': updatedAt,
        },
      },
      abortSignal,
    );
  }

  /** The guard is what reconciliation saw: the same status and the same updatedAt, verbatim. */
  private async updateIfUnchanged(
    seen: AmiRecord,
    change: Pick<UpdateCommandInput, 'UpdateExpression' | 'ExpressionAttributeValues'>,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult> {
    try {
      await this.documentClient.send(
        new UpdateCommand({
          TableName: this.config.stateTableName,
          Key: { jobId: seen.jobId },
          UpdateExpression: change.UpdateExpression,
          ConditionExpression: '#status = :seenStatus AND #updatedAt = :seenUpdatedAt',
          ExpressionAttributeNames: { '#status': 'status', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: {
            ...change.ExpressionAttributeValues,
            ':seenStatus': seen.status,
            ':seenUpdatedAt': seen.updatedAt,
          },
        }),
        { abortSignal },
      );
      return 'applied';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'superseded';
      throw error;
    }
  }
}
