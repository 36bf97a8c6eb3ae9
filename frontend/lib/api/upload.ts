// Uploads go through XMLHttpRequest rather than fetch: only XHR reports upload progress.
import { apiBase } from "@/lib/env";

import { ApiError, toApiError } from "./errors";
import { handleUnauthorized } from "./session";
import type { ProjectCreated } from "./types";

export type UploadProgress = { loaded: number; total: number };

export type UploadHandle = {
  /** Resolves with the new project and its analysis job; rejects with ApiError (status 0: cancelled or network). */
  done: Promise<ProjectCreated>;
  cancel: () => void;
};

export const UPLOAD_CANCELLED = "The upload was cancelled.";

export function uploadMedia(file: File, name: string, onProgress: (p: UploadProgress) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const url = `${apiBase}/api/projects`;
  const done = new Promise<ProjectCreated>((resolve, reject) => {
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as ProjectCreated);
        return;
      }
      if (xhr.status === 401) handleUnauthorized(url);
      reject(toApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(toApiError(0, null));
    xhr.onabort = () => reject(new ApiError(0, UPLOAD_CANCELLED, "cancelled"));
  });
  const form = new FormData();
  form.append("file", file, file.name);
  if (name.trim()) form.append("name", name.trim());
  xhr.open("POST", url);
  xhr.withCredentials = true;
  xhr.setRequestHeader("Accept", "application/json");
  xhr.send(form);
  return { done, cancel: () => xhr.abort() };
}
