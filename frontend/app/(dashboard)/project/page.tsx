import type { Metadata } from "next";
import { Suspense } from "react";

import { ProjectView } from "@/components/project/project-view";

export const metadata: Metadata = { title: "Project" };

// The project id comes from the query string (/project/?id=...): a static export cannot render
// dynamic path segments for ids it has never seen.
export default function ProjectPage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <ProjectView />
    </Suspense>
  );
}
