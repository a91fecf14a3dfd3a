import type { ReadinessCheck } from '../readiness/readiness-check';

/** Each entry's check's fields, in list order. */
export type FieldsOfEach<List> = {
  [Index in keyof List]: List[Index] extends { check: abstract new (...args: never) => infer Check }
    ? Check extends ReadinessCheck<infer Fields>
      ? Fields
      : never
    : never;
};

/** The union's members as one type: `A | B` becomes `A & B`. */
type Intersection<Union> = (Union extends unknown ? (value: Union) => void : never) extends (
  value: infer Both,
) => void
  ? Both
  : never;

/** Every field the entries' checks give the response, together. */
export type FieldsOfAll<List extends readonly unknown[]> = Intersection<FieldsOfEach<List>[number]>;

/** True when no two of `List` name the same field, so merging them loses none. */
export type Disjoint<
  List extends readonly object[],
  Seen extends PropertyKey = never,
> = List extends readonly [infer Head extends object, ...infer Rest extends readonly object[]]
  ? [keyof Head & Seen] extends [never]
    ? Disjoint<Rest, Seen | keyof Head>
    : false
  : true;

/** An object type spelled out down to its leaves, so two spellings of one type compare equal. */
type Spelled<T> = T extends object ? { [K in keyof T]: Spelled<T[K]> } : T;

/** True when A and B are the same type at every depth: the same fields, optional or not, of the same types. */
export type Same<A, B> =
  (<T>() => T extends Spelled<A> ? 1 : 2) extends <T>() => T extends Spelled<B> ? 1 : 2 ? true : false;

/** Compiles only when `Claim` is true. */
export type Holds<Claim extends true> = Claim;
