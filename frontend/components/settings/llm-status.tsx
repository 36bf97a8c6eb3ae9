"use client";

import { useCallback, useEffect, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { LlmStatus } from "@/lib/api/types";
import { FormError } from "@/components/ui/form-error";
import { MessageText } from "@/components/ui/message-text";

export function LlmStatusCard() {
  const [status, setStatus] = useState<LlmStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(true);

  const load = useCallback(() => {
    unwrap(api.GET("/api/system/llm"))
      .then((s) => {
        setStatus(s);
        setError(null);
      })
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => setChecking(false));
  }, []);

  useEffect(load, [load]);

  function recheck() {
    setChecking(true);
    load();
  }

  return (
    <section className="card stack" aria-labelledby="llm-title">
      <div className="spread">
        <h2 id="llm-title">Local AI (optional)</h2>
        <button type="button" onClick={recheck} disabled={checking}>
          {checking ? "Checking…" : "Check again"}
        </button>
      </div>
      <p className="small muted">
        With a local LLM (Ollama), highlights get better titles, hooks and ranking. Without it the built-in scorer still
        finds them.
      </p>
      <FormError message={error} />
      {status && (
        <dl className="stack" data-testid="llm-status">
          <div className="row">
            <dt>Status:</dt>
            <dd style={{ margin: 0 }}>
              <span className={`badge ${status.available ? "badge-ok" : "badge-busy"}`}>
                {status.available ? "available" : "not available"}
              </span>
            </dd>
          </div>
          <div className="row">
            <dt>Server:</dt>
            <dd className="mono small" style={{ margin: 0 }}>
              {status.host}
            </dd>
          </div>
          <div className="row">
            <dt>Model:</dt>
            <dd style={{ margin: 0 }}>
              {status.model} {status.model_available ? "(installed)" : "(not installed)"}
            </dd>
          </div>
          {status.models.length > 0 && (
            <div className="row">
              <dt>Models on the server:</dt>
              <dd style={{ margin: 0 }}>{status.models.join(", ")}</dd>
            </div>
          )}
        </dl>
      )}
      {status && (
        <p className="small">
          <MessageText message={status.message} />
        </p>
      )}
    </section>
  );
}
