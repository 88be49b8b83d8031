import { Module } from '@nestjs/common';
import { AfterCommitHooks } from './after-commit.hooks';

@Module({ providers: [AfterCommitHooks], exports: [AfterCommitHooks] })
export class SharedModule {}
