export const SERVICE_DESCRIPTOR = Symbol('SERVICE_DESCRIPTOR');
export const PLATFORM_SETTINGS = Symbol('PLATFORM_SETTINGS');
export const REDIS = Symbol('REDIS');
