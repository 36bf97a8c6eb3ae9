import type { Metadata } from "next";
import { Suspense } from "react";

import { ClipEditor } from "@/components/clip/clip-editor";

export const metadata: Metadata = { title: "Clip editor" };

// The clip id comes from the query string (/clip/?id=...), see app/(dashboard)/project/page.tsx.
export default function ClipPage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <ClipEditor />
    </Suspense>
  );
}
