export * from './test-infrastructure';
export * from './test-database';
export * from './test-kafka';
export * from './test-service';
export * from './tcp-proxy';
export * from './local-kafka-broker';
export * from './service-basics';
export * from './event-factory';
