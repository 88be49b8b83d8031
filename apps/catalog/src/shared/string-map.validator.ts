import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

export interface StringMapLimits {
  maxEntries: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/** A plain JSON object whose values are all strings (free-form attributes such as colour or size). */
export function IsStringMap(limits: StringMapLimits, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= limits.maxEntries &&
            entries.every(
              ([key, v]) =>
                key.length > 0 &&
                key.length <= limits.maxKeyLength &&
                typeof v === 'string' &&
                v.length <= limits.maxValueLength,
            )
          );
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be an object of at most ${limits.maxEntries} string values (keys 1-${limits.maxKeyLength} characters, values at most ${limits.maxValueLength})`;
        },
      },
    });
}
