// Bundled by test/lambda-bundling.e2e-spec.ts with the production bundling steps.
import { ConsoleLogger, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import qs from 'qs';

export const consoleLoggerTimestamp = () => new ConsoleLogger().getTimestamp();
export const loggerTimestamp = () => Logger.getTimestamp();
export const parseExtendedQuery = (query) => qs.parse(query);

class EmptyModule {}
Module({})(EmptyModule);
/** Nest's own choice of HTTP adapter, which the service never leaves to it. */
export const createWithoutAdapter = () => NestFactory.create(EmptyModule, { logger: false });
