/**
 * The baseline for the Lambda benchmarks: the same DynamoDB query as GET /status (every AMI
 * record from the recordType-index GSI), with no framework around it.
 */
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, paginateQuery } = require('@aws-sdk/lib-dynamodb');

// Built once per container, as a Lambda handler would; region and endpoint come from the environment.
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

exports.handler = async () => {
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
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ presets }),
  };
};
