import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

// Production: a static export (frontend/out) that the FastAPI app serves at "/", so the UI and the
// API share one origin and the session cookie just works. Pages with an id read it from the query
// string (/project/?id=...), because a static export has no server to render dynamic segments.
// Development (`next dev`): /api is proxied to the backend (SPACECLIP_API_URL, default :8000).
const base: NextConfig = {
  trailingSlash: true,
  images: { unoptimized: true },
  poweredByHeader: false,
};

export default function config(phase: string): NextConfig {
  if (phase === PHASE_DEVELOPMENT_SERVER) {
    const api = process.env.SPACECLIP_API_URL ?? "http://127.0.0.1:8000";
    return {
      ...base,
      // trailingSlash would otherwise redirect /api/x to /api/x/ before the proxy sees it.
      skipTrailingSlashRedirect: true,
      async rewrites() {
        return [{ source: "/api/:path*", destination: `${api}/api/:path*` }];
      },
    };
  }
  return { ...base, output: "export" };
}
