"use client";

// Live job status from the server-sent-events stream GET /api/jobs/{id}/events, which sends the
// whole job as JSON on every change and closes once the job succeeded, failed or was cancelled.
import { useEffect, useState } from "react";

import { apiUrl } from "@/lib/api/client";
import { isTerminal, type Job } from "@/lib/api/types";

export function useJob(jobId: string | null | undefined, initial?: Job | null): Job | null {
  const [job, setJob] = useState<Job | null>(initial ?? null);

  useEffect(() => {
    if (!jobId) return;
    let closed = false;
    const source = new EventSource(apiUrl(`/api/jobs/${encodeURIComponent(jobId)}/events`), { withCredentials: true });
    source.onmessage = (event: MessageEvent<string>) => {
      const next = JSON.parse(event.data) as Job;
      setJob(next);
      if (isTerminal(next)) {
        closed = true;
        source.close();
      }
    };
    source.onerror = () => {
      // The server ends the stream after a terminal state; EventSource would reconnect forever.
      if (closed) source.close();
    };
    return () => {
      closed = true;
      source.close();
    };
  }, [jobId]);

  return job && job.id === jobId ? job : (initial ?? null);
}
