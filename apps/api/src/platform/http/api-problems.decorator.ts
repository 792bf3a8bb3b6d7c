import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, PROBLEM_KINDS, ProblemCode } from '@behalf/contracts';

/** The `components.schemas` name of the problem document. */
export const PROBLEM_SCHEMA_NAME = 'Problem';

export const problemContent = {
  [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } },
};

/** Documents the problem responses a route can give, beyond those every route gets. */
export function ApiProblems(...codes: ProblemCode[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...codes.map((code) => ApiResponse({ status: PROBLEM_KINDS[code].status, description: PROBLEM_KINDS[code].title, content: problemContent })),
  );
}
