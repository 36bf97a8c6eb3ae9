import type { Metadata } from "next";

import { FeedsPanel } from "@/components/feeds/feeds-panel";

export const metadata: Metadata = { title: "Podcast feeds" };

export default function FeedsPage() {
  return (
    <div className="stack" style={{ maxWidth: 1000 }}>
      <h1>Podcast feeds</h1>
      <p className="muted">
        Follow a podcast&apos;s RSS or Atom feed, import its episodes as projects, or let SpaceClip import new episodes
        as they are published.
      </p>
      <FeedsPanel />
    </div>
  );
}
