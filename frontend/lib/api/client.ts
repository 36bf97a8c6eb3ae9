// The one typed client for the SpaceClip API. Types come from schema.d.ts, generated from the
// backend's OpenAPI schema (`npm run gen:api`), so a changed route or field fails `tsc`.
import createClient, { type Middleware } from "openapi-fetch";

import { apiBase } from "@/lib/env";

import { toApiError } from "./errors";
import type { paths } from "./schema";
import { handleUnauthorized } from "./session";

const sessionExpiry: Middleware = {
  onResponse({ request, response }) {
    if (response.status === 401) handleUnauthorized(request.url);
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: apiBase, credentials: "same-origin" });
api.use(sessionExpiry);

type Result<D> = { data?: D; error?: unknown; response: Response };

/** Await an openapi-fetch call: the data on success, else throw ApiError with the API's message. */
export async function unwrap<D>(call: Promise<Result<D>>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response.status, error);
  return data as D;
}

/** Same-origin URL of an API path, for <img>, <audio>, <a download> and EventSource. */
export function apiUrl(path: string, query?: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return `${apiBase}${path}${qs ? `?${qs}` : ""}`;
}
