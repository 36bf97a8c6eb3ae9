"use client";

import { useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Job } from "@/lib/api/types";
import { FormError } from "@/components/ui/form-error";
import { ProgressBar } from "@/components/ui/progress-bar";

/** A running job's progress and stage, with a Cancel button (the job stops within seconds). */
export function JobProgress({ job, cancellable = true }: { job: Job; cancellable?: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  async function cancel() {
    setCancelling(true);
    setError(null);
    try {
      await unwrap(api.POST("/api/jobs/{job_id}/cancel", { params: { path: { job_id: job.id } } }));
    } catch (err) {
      setError(errorMessage(err));
      setCancelling(false);
    }
  }

  return (
    <div className="stack" style={{ maxWidth: 560 }}>
      <div className="row" style={{ flexWrap: "nowrap" }}>
        <div style={{ flex: 1 }}>
          <ProgressBar value={job.progress} label={job.message || job.stage || job.kind} />
        </div>
        {cancellable && (
          <button
            type="button"
            className="danger"
            onClick={cancel}
            disabled={cancelling}
            aria-label={`Cancel ${job.kind}`}
          >
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        )}
      </div>
      <p className="small muted" aria-live="polite">
        {job.message || job.stage || job.status} · {Math.round(job.progress * 100)}%
      </p>
      <FormError message={error} />
    </div>
  );
}
