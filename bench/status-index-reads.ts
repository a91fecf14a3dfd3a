/**
 * What the runners bench reads through the DynamoDB proxy: the figures of the status-index
 * queries a process made (from the proxy's call log), and the bench's own reads of the
 * outcome records, made as the service made them before issue 22 and as one serial read.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbCall, ServiceTimeModel } from '../local/fake-aws/dynamodb-fault-proxy';
import type { InvocationWindow } from '../local/lambda/cold-process';
import { JOB_STATUS_INDEX } from '../src/ami-state/state-table';
import { JobRecordsRepository } from '../src/aws/job-records.repository';
import { parseAppConfig } from '../src/config/app-config';
import { planOutcomeRead } from '../src/runners/outcome-window';
import { OUTCOME_STATUSES } from '../src/runners/runner-activity';

/** What a set of status-index queries read, as their answers said, and what the model made of them. */
export interface ReadFigures {
  queries: number;
  /** The sum of their ScannedCount: the index entries read, which DynamoDB bills. */
  entries: number;
  /** The sum of their ConsumedCapacity.CapacityUnits; undefined when no answer carried it (not asked). */
  units: number | undefined;
  /** The sum of their modelled service times: what they take one after another. */
  modelledMs: number;
  /**
   * The modelled time of the longest chain of pages (a query's pages follow each other): what
   * they take with every query at once. The time measured lies between the two.
   */
  longestChainMs: number;
  /** The sum of the target's own answer times: dynalite's time, when the queries came one at a time. */
  targetMs: number;
}

/** The figures of the status-index queries among `calls`. */
export function statusIndexFigures(calls: readonly DynamoDbCall[]): ReadFigures {
  const queries = calls.filter(
    (call) => call.operation === 'Query' && call.input.IndexName === JOB_STATUS_INDEX.name,
  );
  const sum = (value: (call: DynamoDbCall) => number | undefined) =>
    queries.reduce((total, call) => total + (value(call) ?? 0), 0);
  const withUnits = queries.filter((call) => call.answer?.capacityUnits !== undefined);
  return {
    queries: queries.length,
    entries: sum((call) => call.answer?.scannedCount),
    units: withUnits.length === 0 ? undefined : sum((call) => call.answer?.capacityUnits),
    modelledMs: sumModelledMs(queries),
    longestChainMs: Math.max(0, ...chainsOfPages(queries).map((pages) => sumModelledMs(pages))),
    targetMs: sum((call) => call.targetMs),
  };
}

/** The calls grouped by query: the pages of one query differ only in their ExclusiveStartKey. */
function chainsOfPages(queries: readonly DynamoDbCall[]): DynamoDbCall[][] {
  const chains = new Map<string, DynamoDbCall[]>();
  for (const call of queries) {
    const { ExclusiveStartKey: _page, ...query } = call.input;
    const key = JSON.stringify(query);
    chains.set(key, [...(chains.get(key) ?? []), call]);
  }
  return [...chains.values()];
}

function sumModelledMs(calls: readonly DynamoDbCall[]): number {
  return calls.reduce((total, call) => total + (call.modelledMs ?? 0), 0);
}

/**
 * The calls of each invocation: those received within its window (the child's clock and the
 * proxy's are the machine's). `between` holds any call made outside them all, such as a read
 * in the background, so that nothing is counted twice or lost.
 */
export function callsByInvocation(
  calls: readonly DynamoDbCall[],
  windows: readonly InvocationWindow[],
): { invocations: DynamoDbCall[][]; between: DynamoDbCall[] } {
  const within = (call: DynamoDbCall, { startedAt, endedAt }: InvocationWindow) =>
    call.receivedAt >= startedAt && call.receivedAt <= endedAt;
  return {
    invocations: windows.map((window) => calls.filter((call) => within(call, window))),
    between: calls.filter((call) => !windows.some((window) => within(call, window))),
  };
}

/** "10 ms + 0.1 ms × entries read, per Query or Scan page" */
export function describeModel({ fixedMs, perEntryMs }: ServiceTimeModel): string {
  return `${fixedMs} ms + ${perEntryMs} ms × entries read, per Query or Scan page`;
}

/**
 * The outcome records as a full read of `RecentOutcomesService` reads them, but each status in
 * one range from 38 h back, every page after the one before: the service's own repository,
 * asking for the read units. The client goes to `endpoint` (the proxy) with no retries, so
 * each page is one call.
 */
export class OutcomeRecordsReader {
  private readonly client: DynamoDBClient;
  private readonly documentClient: DynamoDBDocumentClient;

  constructor(
    endpoint: string,
    private readonly region: string,
  ) {
    this.client = new DynamoDBClient({
      region,
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    this.documentClient = DynamoDBDocumentClient.from(this.client);
  }

  /** The four statuses one after another, each page after the one before: the records read. */
  async serially(tableName: string, now: Date): Promise<number> {
    let records = 0;
    for (const status of OUTCOME_STATUSES) records += await this.status(tableName, status, now);
    return records;
  }

  /** The four statuses at once, each page after the one before, as the service read them before issue 22. */
  async fourAtOnce(tableName: string, now: Date): Promise<number> {
    const counts = await Promise.all(OUTCOME_STATUSES.map((status) => this.status(tableName, status, now)));
    return counts.reduce((total, count) => total + count, 0);
  }

  destroy(): void {
    this.client.destroy();
  }

  private async status(tableName: string, status: string, now: Date): Promise<number> {
    const config = parseAppConfig({ STATE_TABLE_NAME: tableName, AWS_REGION: this.region });
    const repository = new JobRecordsRepository(this.documentClient, config);
    const from = new Date(planOutcomeRead(undefined, now.getTime(), 0).fromMs).toISOString();
    const read = await repository.creationTimesIn(status, { from }, new AbortController().signal);
    return read.createdAts.length;
  }
}
