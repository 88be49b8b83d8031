export * from './message-bus.port';
export * from './topic-naming';
export * from './kafka-message-bus';
export * from './kafka-topic-admin';
export * from './event-topics';
export * from './kafka-connection';
export * from './kafka-log';
