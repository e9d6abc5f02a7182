import { builder } from './builder';

/**
 * A GraphQL enum over one of the API's value lists. GraphQL names enum values in SCREAMING_CASE (as the
 * sort enums are): `CONFIRMED`, `ON_VISIT`; each stands for the API's own value (`confirmed`, `on_visit`),
 * which is what resolvers return and what inputs hand to the services, as REST has it.
 */
export function valueEnum<const V extends string>(name: string, values: readonly V[], description?: string) {
  return builder.enumType(name, {
    ...(description ? { description } : {}),
    values: Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) as Record<
      Uppercase<V>,
      { value: V }
    >,
  });
}
