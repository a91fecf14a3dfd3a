import { Global, Module } from '@nestjs/common';
import { MetricsPublisher } from './metrics-publisher';

@Global()
@Module({ providers: [MetricsPublisher], exports: [MetricsPublisher] })
export class MetricsModule {}
