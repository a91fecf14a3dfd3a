// Bundled by test/lambda-bundling.e2e-spec.ts with the production bundling steps.
import { ConsoleLogger, Logger } from '@nestjs/common';
import qs from 'qs';

export const consoleLoggerTimestamp = () => new ConsoleLogger().getTimestamp();
export const loggerTimestamp = () => Logger.getTimestamp();
export const parseExtendedQuery = (query) => qs.parse(query);
