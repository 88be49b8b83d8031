export * from './envelope';
export * from './topics';
export * from './events';
export * from './proto';
export * from './imported-ids';
