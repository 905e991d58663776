import type { z } from 'zod';

/** One request/response pair of the bridge. Both sides validate with these schemas. */
export interface MethodSpec<Req extends z.ZodTypeAny = z.ZodTypeAny, Res extends z.ZodTypeAny = z.ZodTypeAny> {
  request: Req;
  response: Res;
  /** Short description for docs and error messages. */
  summary: string;
}

export function defineMethod<Req extends z.ZodTypeAny, Res extends z.ZodTypeAny>(
  summary: string,
  request: Req,
  response: Res,
): MethodSpec<Req, Res> {
  return { summary, request, response };
}

/** One host → renderer event stream. */
export interface EventSpec<Payload extends z.ZodTypeAny = z.ZodTypeAny> {
  payload: Payload;
  summary: string;
}

export function defineEvent<Payload extends z.ZodTypeAny>(summary: string, payload: Payload): EventSpec<Payload> {
  return { summary, payload };
}
