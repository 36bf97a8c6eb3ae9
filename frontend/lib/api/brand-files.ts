// The brand kit's font and logo go up as the raw request body (the API checks what the bytes are,
// never the name or type), so they are sent with fetch rather than the JSON client.
import { apiBase } from "@/lib/env";

import { toApiError } from "./errors";
import { handleUnauthorized } from "./session";
import type { BrandKit } from "./types";

export type BrandFileKind = "font" | "logo";

/** Upload the kit's font or logo; resolves with the saved kit, rejects with ApiError (413, 415, 409). */
export async function uploadBrandFile(kind: BrandFileKind, file: File, version: number): Promise<BrandKit> {
  const query = new URLSearchParams({ name: file.name, version: String(version) });
  const url = `${apiBase}/api/brand/${kind}?${query.toString()}`;
  const response = await fetch(url, {
    method: "PUT",
    body: file,
    credentials: "same-origin",
    headers: { "Content-Type": "application/octet-stream", Accept: "application/json" },
  });
  const body: unknown = await response.json().catch(() => null);
  if (response.status === 401) handleUnauthorized(url);
  if (!response.ok) throw toApiError(response.status, body);
  return body as BrandKit;
}
