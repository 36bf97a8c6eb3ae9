"use client";

// Live job status from the server-sent-events stream GET /api/jobs/{id}/events, which sends the
// whole job as JSON on every change and closes once the job succeeded, failed or was cancelled.
// A browser keeps at most 6 HTTP/1.1 connections per origin, so pages that follow many jobs at once
// stream only a few and poll the rest (`poll: true`).
import { useEffect, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { isTerminal, type Job } from "@/lib/api/types";

/** How many jobs one page should stream at most; poll the others. */
export const MAX_STREAMS = 3;
const POLL_MS = 2000;

export function useJob(
  jobId: string | null | undefined,
  initial?: Job | null,
  { poll = false }: { poll?: boolean } = {},
): Job | null {
  const [job, setJob] = useState<Job | null>(initial ?? null);

  useEffect(() => {
    if (!jobId) return;
    let closed = false;
    if (poll) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = () => {
        unwrap(api.GET("/api/jobs/{job_id}", { params: { path: { job_id: jobId } } }))
          .then((next) => {
            if (closed) return;
            setJob(next);
            if (!isTerminal(next)) timer = setTimeout(tick, POLL_MS);
          })
          .catch(() => {
            if (!closed) timer = setTimeout(tick, POLL_MS * 3);
          });
      };
      timer = setTimeout(tick, POLL_MS);
      return () => {
        closed = true;
        clearTimeout(timer);
      };
    }
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
  }, [jobId, poll]);

  return job && job.id === jobId ? job : (initial ?? null);
}
