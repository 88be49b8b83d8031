export * from './roles';
export * from './jwt-keys';
export * from './access-token';
export * from './auth.decorators';
export * from './auth.guard';
export * from './auth.module';
export * from './testing/test-tokens';
