import { createMock, DeepMocked, PartialFuncReturn } from '@golevelup/ts-jest';

/**
 * A unit spec's mock of a collaborator, typed by the class it stands for: renaming or
 * retyping one of its methods breaks the spec at compile time, and what a test stubs is
 * checked against the method's signature. Strict: a method that neither `methods` nor the
 * test (`mockResolvedValue` and the like) set up throws when called, naming `name` and the
 * method. For unit specs only: it needs jest.
 */
export function strictMock<T extends object>(
  name: string,
  methods: PartialFuncReturn<T> = {},
): DeepMocked<T> {
  return createMock<T>(methods, { name, strict: true });
}
