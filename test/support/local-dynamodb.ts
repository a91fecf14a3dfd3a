import { LocalDynamoDb } from '../../local/local-dynamodb';

export { amiRecord, jobRecord, LocalDynamoDb } from '../../local/local-dynamodb';

export const TEST_REGION = 'eu-west-1';

/**
 * dynalite in this process, reached by the service's clients only through the SDK's own
 * AWS_ENDPOINT_URL_DYNAMODB setting. Call `stop()` in afterAll.
 */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const dynamoDb = await LocalDynamoDb.start(TEST_REGION);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoDb.endpoint;
  return dynamoDb;
}
