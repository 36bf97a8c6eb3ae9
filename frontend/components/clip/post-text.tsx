"use client";

import { useEffect, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { components } from "@/lib/api/schema";
import { FormError } from "@/components/ui/form-error";

type Post = components["schemas"]["PostTextPublic"];

const NAMES: Record<string, string> = {
  tiktok: "TikTok",
  instagram: "Instagram",
  youtube: "YouTube Shorts",
  linkedin: "LinkedIn",
  x: "X",
};

/** The clip's post text for each platform, inside the platform's limit, ready to copy. */
export function PostText({ clipId, version }: { clipId: string; version: number }) {
  const [posts, setPosts] = useState<Post[] | null>(null);
  const [platform, setPlatform] = useState("tiktok");
  const [copied, setCopied] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    unwrap(api.GET("/api/clips/{clip_id}/posts", { params: { path: { clip_id: clipId } } }))
      .then((body) => setPosts(body.posts))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [clipId, version]);

  const post = posts?.find((p) => p.platform === platform) ?? null;

  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
      setTimeout(() => setCopied(null), 2000);
    } catch {
      setError("The browser did not allow copying. Select the text and copy it by hand.");
    }
  }

  return (
    <div className="card stack" data-testid="post-text">
      <h2>Post text</h2>
      <div className="row" role="tablist" aria-label="Platform">
        {(posts ?? []).map((p) => (
          <button
            key={p.platform}
            type="button"
            role="tab"
            aria-selected={p.platform === platform}
            className={p.platform === platform ? "primary" : undefined}
            onClick={() => setPlatform(p.platform)}
          >
            {NAMES[p.platform] ?? p.platform}
          </button>
        ))}
      </div>
      {post && (
        <>
          {post.title && (
            <p className="small">
              <strong>Title:</strong> {post.title}
            </p>
          )}
          <textarea readOnly value={post.text} rows={6} aria-label={`Post text for ${NAMES[post.platform]}`} />
          <p className="small muted" title={post.source}>
            {post.length} of {post.limit} characters, as {NAMES[post.platform]} counts them
          </p>
          <div className="row">
            <button type="button" className="primary" onClick={() => copy(post.text, "post")}>
              {copied === "post" ? "Copied" : "Copy post text"}
            </button>
            <button
              type="button"
              onClick={() => copy(post.hashtags.join(" "), "tags")}
              disabled={!post.hashtags.length}
            >
              {copied === "tags" ? "Copied" : "Copy hashtags"}
            </button>
          </div>
        </>
      )}
      <FormError message={error} />
    </div>
  );
}
