"use client";

import { useCallback, useEffect, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Transcript } from "@/lib/api/types";

export type TranscriptState = { data: Transcript | null; error: string | null; reload: () => void };

export function useTranscript(projectId: string): TranscriptState {
  const [data, setData] = useState<Transcript | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    unwrap(api.GET("/api/projects/{project_id}/transcript", { params: { path: { project_id: projectId } } }))
      .then(setData)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [projectId]);

  useEffect(reload, [reload]);
  return { data, error, reload };
}
