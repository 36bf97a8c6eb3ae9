// A speaker's photo goes up as the raw request body (the API checks what the bytes are, never the
// name or type), so it is sent with fetch rather than the JSON client.
import { apiBase } from "@/lib/env";

import { apiUrl } from "./client";
import { toApiError } from "./errors";
import { handleUnauthorized } from "./session";
import type { SpeakerPhoto } from "./types";

function photoPath(projectId: string, speakerId: string): string {
  return `/api/projects/${encodeURIComponent(projectId)}/speakers/${encodeURIComponent(speakerId)}/photo`;
}

/** The stored photo's URL (``version`` busts the browser's cache after an upload). */
export function speakerPhotoUrl(projectId: string, speakerId: string, version: number): string {
  return apiUrl(photoPath(projectId, speakerId), { v: version });
}

/** Upload the speaker's badge photo; rejects with ApiError (404, 413, 415). */
export async function uploadSpeakerPhoto(projectId: string, speakerId: string, file: File): Promise<SpeakerPhoto> {
  const url = `${apiBase}${photoPath(projectId, speakerId)}`;
  const response = await fetch(url, {
    method: "POST",
    body: file,
    credentials: "same-origin",
    headers: { "Content-Type": "application/octet-stream", Accept: "application/json" },
  });
  const body: unknown = await response.json().catch(() => null);
  if (response.status === 401) handleUnauthorized(url);
  if (!response.ok) throw toApiError(response.status, body);
  return body as SpeakerPhoto;
}
