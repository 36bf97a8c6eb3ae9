"use client";

import { useCallback, useEffect, useState, type FormEvent } from "react";

import { errorMessage } from "@/lib/api/errors";
import { addFeed, deleteFeed, listFeeds, refreshFeed, type Feed } from "@/lib/api/feeds";
import { formatDate } from "@/lib/format";
import { FormError } from "@/components/ui/form-error";

import { FeedEpisodes } from "./feed-episodes";
import { AutoImportForm } from "./auto-import-form";

export function FeedsPanel() {
  const [feeds, setFeeds] = useState<Feed[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [url, setUrl] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    listFeeds()
      .then(setFeeds)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);
  useEffect(load, [load]);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const feed = await addFeed(url.trim());
      setUrl("");
      setOpen(feed.id);
    });
  }

  return (
    <div className="stack">
      <form className="card stack" onSubmit={submit} aria-labelledby="add-feed-title">
        <h2 id="add-feed-title">Add a feed</h2>
        <label className="stack">
          <span>Feed address (RSS or Atom)</span>
          <input
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://example.com/podcast.xml"
          />
        </label>
        <div>
          <button type="submit" className="primary" disabled={busy || !url.trim()}>
            {busy ? "Reading the feed…" : "Add feed"}
          </button>
        </div>
      </form>
      <FormError message={error} />
      {feeds && feeds.length === 0 && <p className="muted">You follow no feeds yet.</p>}
      {feeds?.map((feed) => (
        <section key={feed.id} className="card stack" aria-label={feed.title || feed.url}>
          <div className="spread">
            <div>
              <h2>{feed.title || feed.url}</h2>
              <p className="small muted mono">{feed.url}</p>
            </div>
            <span className={`badge ${feed.status === "error" ? "badge-error" : "badge-ok"}`}>{feed.status}</span>
          </div>
          {feed.last_error && (
            <div className="alert alert-error" role="status">
              Last check failed: {feed.last_error}
            </div>
          )}
          <p className="small muted">
            {feed.episode_count} episode(s)
            {feed.last_checked_at ? ` · checked ${formatDate(feed.last_checked_at)}` : ""}
            {feed.auto_import ? " · auto-import on" : ""}
          </p>
          <div className="row">
            <button type="button" onClick={() => setOpen(open === feed.id ? null : feed.id)}>
              {open === feed.id ? "Hide episodes" : "Episodes"}
            </button>
            <button type="button" disabled={busy} onClick={() => run(() => refreshFeed(feed.id))}>
              Check now
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => run(() => deleteFeed(feed.id))}
              aria-label={`Stop following ${feed.title || feed.url}`}
            >
              Stop following
            </button>
          </div>
          <AutoImportForm feed={feed} onSaved={load} />
          {open === feed.id && <FeedEpisodes feedId={feed.id} onImported={load} />}
        </section>
      ))}
    </div>
  );
}
