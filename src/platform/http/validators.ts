import { registerDecorator, type ValidationOptions } from 'class-validator';

/** An object of flag names to booleans, at most `max` entries (risk signals). */
export function IsFlagMap(max: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isFlagMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be an object of at most ${max} names with boolean values`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= max &&
            entries.every(([k, v]) => /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(k) && typeof v === 'boolean')
          );
        },
      },
    });
  };
}
