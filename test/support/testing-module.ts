import type { Type } from '@nestjs/common';
import { Test, TestingModule, TestingModuleBuilder } from '@nestjs/testing';
import { Clock } from '../../src/common/clock';
import { AppConfig, appConfig } from '../../src/config/app-config';
import { testConfig } from '../../src/testing/test-config';

/** An entry point's root module with the configuration and the clock the test states. */
export function compileWithTestConfig(
  rootModule: Type,
  config: Partial<AppConfig>,
  now: Date | Clock,
): Promise<TestingModule> {
  return testingModuleWithTestConfig(rootModule, config, now).compile();
}

/** The same, for a test that overrides more providers before it compiles. */
export function testingModuleWithTestConfig(
  rootModule: Type,
  config: Partial<AppConfig>,
  now: Date | Clock,
): TestingModuleBuilder {
  return Test.createTestingModule({ imports: [rootModule] })
    .overrideProvider(appConfig.KEY)
    .useValue(testConfig(config))
    .overrideProvider(Clock)
    .useValue(now instanceof Date ? { now: () => now } : now);
}
