"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import { errorMessage } from "@/lib/api/errors";
import { importEpisodes, listEpisodes, type FeedEpisode } from "@/lib/api/feeds";
import { formatDate } from "@/lib/format";
import { FormError } from "@/components/ui/form-error";

export function FeedEpisodes({ feedId, onImported }: { feedId: string; onImported: () => void }) {
  const [episodes, setEpisodes] = useState<FeedEpisode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    listEpisodes(feedId)
      .then(setEpisodes)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [feedId]);
  useEffect(load, [load]);

  async function importSome(ids: string[] | null) {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const result = await importEpisodes(feedId, ids);
      const notImported = result.skipped ?? [];
      const skipped = notImported.length ? ` Not imported: ${notImported.join("; ")}` : "";
      setNote(`${result.project_ids.length} episode(s) imported; each is analysed as a new project.${skipped}`);
      load();
      onImported();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const waiting = episodes?.filter((e) => !e.imported_at && !e.problem).length ?? 0;
  return (
    <div className="stack">
      <div className="spread">
        <h3>Episodes</h3>
        <button type="button" disabled={busy || waiting === 0} onClick={() => importSome(null)}>
          Import all ({waiting})
        </button>
      </div>
      <FormError message={error} />
      {note && (
        <p className="alert" role="status">
          {note}
        </p>
      )}
      {episodes && (
        <table className="sessions-table">
          <thead>
            <tr>
              <th scope="col">Episode</th>
              <th scope="col">Published</th>
              <th scope="col">
                <span className="visually-hidden">Import</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {episodes.map((e) => (
              <tr key={e.id}>
                <td>
                  {e.title}
                  {e.problem && <div className="small muted">{e.problem}</div>}
                </td>
                <td className="small">{e.published_at ? formatDate(e.published_at) : "—"}</td>
                <td>
                  {e.project_id ? (
                    <Link href={`/project/?id=${encodeURIComponent(e.project_id)}`}>Open project</Link>
                  ) : e.imported_at ? (
                    <span className="small muted">imported (project deleted)</span>
                  ) : (
                    <button
                      type="button"
                      disabled={busy || Boolean(e.problem)}
                      onClick={() => importSome([e.id])}
                      aria-label={`Import ${e.title}`}
                    >
                      Import
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
