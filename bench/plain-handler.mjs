/**
 * The baseline for the Lambda benchmarks: the same DynamoDB query as GET /status (every AMI
 * record from the recordType-index GSI), with no framework around it. Written as an ES
 * module, as a Lambda handler is today, so that bundling it drops the unused parts of the
 * SDK exactly as it does for the service.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';

// Built once per container, as a Lambda handler would; region and endpoint come from the environment.
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** Every AMI record's preset, status and AMI. */
export async function readPresets() {
  const presets = [];
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: process.env.STATE_TABLE_NAME,
      IndexName: 'recordType-index',
      KeyConditionExpression: '#recordType = :ami',
      ExpressionAttributeNames: { '#recordType': 'recordType' },
      ExpressionAttributeValues: { ':ami': 'AMI' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      presets.push({ name: item.presetName, status: item.status, amiId: item.amiId ?? null });
    }
  }
  return presets;
}

export const handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ presets: await readPresets() }),
});
