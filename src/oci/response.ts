import { ForbiddenError, NotFoundError, RegistryResponseError, RegistryUnreachableError, UnauthorizedError, type RegistryErrorCode, type ResponseErrorFields } from "./errors.js";
import type { HttpClient, HttpRequest, HttpResponse } from "./http.js";

// Every registry call goes through send() then expect(): one place turns a refused socket or
// an unwanted status into a typed error that names the registry and repository.

export interface CallContext {
  registry: string;
  repository?: string;
  /** Said after a 401, e.g. which credential was refused. */
  unauthorizedHint?: string;
}

/** Sends, turning a failure to get any answer into RegistryUnreachableError. */
export async function send(client: HttpClient, req: HttpRequest, ctx: CallContext): Promise<HttpResponse> {
  try {
    return await client.send(req);
  } catch (err) {
    if (err instanceof RegistryResponseError || err instanceof RegistryUnreachableError) throw err;
    const u = new URL(req.url);
    throw new RegistryUnreachableError(ctx.registry, `${u.origin}${u.pathname}`, { cause: err });
  }
}

/** Returns `res` when its status is one of `ok`; otherwise reads its error body and throws. */
export async function expect(res: HttpResponse, ok: readonly number[], ctx: CallContext, method: string, what: string): Promise<HttpResponse> {
  if (ok.includes(res.status)) return res;
  throw await responseError(res, ctx, method, what);
}

/** The typed error for a response: 401, 403, 404 have their own class. Consumes the body. */
export async function responseError(res: HttpResponse, ctx: CallContext, method: string, what: string): Promise<RegistryResponseError> {
  const codes = await errorCodes(res);
  const fields: ResponseErrorFields = {
    registry: ctx.registry,
    method,
    what,
    status: res.status,
    codes,
    ...(ctx.repository !== undefined ? { repository: ctx.repository } : {}),
  };
  switch (res.status) {
    case 401:
      return new UnauthorizedError({ ...fields, ...(ctx.unauthorizedHint ? { hint: ctx.unauthorizedHint } : {}) });
    case 403:
      return new ForbiddenError({ ...fields, hint: "the credentials were accepted but do not allow this" });
    case 404:
      return new NotFoundError(fields);
    default:
      return new RegistryResponseError(fields);
  }
}

// Ref: distribution-spec "Error Codes": {"errors":[{"code","message","detail"}]}. A body that is
// not that (an HTML page from a proxy) is summarized by its first line, bounded.
async function errorCodes(res: HttpResponse): Promise<RegistryErrorCode[]> {
  let text = "";
  try {
    text = await res.body.text();
  } catch {
    return [];
  }
  try {
    const body = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(body.errors)) {
      return body.errors.map((e) => ({ code: String(e.code ?? "UNKNOWN"), ...(typeof e.message === "string" && e.message ? { message: e.message } : {}) }));
    }
  } catch {
    // not JSON
  }
  const line = text.trim().split("\n")[0]?.slice(0, 200);
  return line ? [{ code: "BODY", message: line }] : [];
}
