// Tests never reach AWS: fixed dummy credentials and region, and quiet logs unless asked for.
process.env.AWS_ACCESS_KEY_ID = 'test-access-key';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
process.env.AWS_REGION = 'eu-west-1';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
