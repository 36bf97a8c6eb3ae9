"use client";

import Link from "next/link";
import { useEffect, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { BrandKit, FontCoverage, PlatformKey, Preset } from "@/lib/api/types";
import { FormError } from "@/components/ui/form-error";

type Loaded<T> = { data: T | null; error: string | null };

/** The account's brand kit, as the editor shows it (every export of the clip gets it while it is on). */
export function useBrandKit(): Loaded<BrandKit> {
  const [state, setState] = useState<Loaded<BrandKit>>({ data: null, error: null });
  useEffect(() => {
    unwrap(api.GET("/api/brand"))
      .then((data) => setState({ data, error: null }))
      .catch((err: unknown) => setState({ data: null, error: errorMessage(err) }));
  }, []);
  return state;
}

const CARDS = ["intro", "outro"] as const;

type CardsProps = { kit: Loaded<BrandKit>; platform: string; platforms: Preset[] };

/**
 * The kit's intro and outro cards for the previewed platform (drawn by the API with the export's own
 * filters) and a line on its font and watermark; nothing while the kit is off or empty.
 */
export function BrandCards({ kit, platform, platforms }: CardsProps) {
  if (kit.error) {
    return (
      <div className="card stack" data-testid="brand-cards">
        <h2>Brand kit</h2>
        <FormError message={`Your brand kit could not be loaded: ${kit.error}`} />
      </div>
    );
  }
  const k = kit.data;
  if (!k) return null;
  const cards = CARDS.filter((which) => k[which].enabled);
  if (!k.enabled) {
    return (
      <p className="small muted" data-testid="brand-cards">
        Your brand kit is off: exports are unbranded. Turn it on in <Link href="/settings/">Settings → Brand kit</Link>.
      </p>
    );
  }
  if (cards.length === 0 && !k.has_logo && !k.font_family) return null;
  const name = platforms.find((p) => p.key === platform)?.name ?? platform;
  const parts = [
    k.font_family ? `${k.font_family} captions` : null,
    k.has_logo ? `logo watermark ${k.logo_position.replace("-", " ")}` : null,
  ].filter(Boolean);
  return (
    <div className="card stack" data-testid="brand-cards">
      <div className="spread">
        <h2>Brand kit</h2>
        <Link href="/settings/" className="small">
          Edit in Settings
        </Link>
      </div>
      {parts.length > 0 && <p className="small">Every export gets {parts.join(" and ")}.</p>}
      {cards.length > 0 && (
        <div className="brand-cards">
          {cards.map((which) => (
            <figure key={which} className="brand-card" data-testid={`editor-${which}-card`}>
              {/* eslint-disable-next-line @next/next/no-img-element -- drawn by the API with the export's own filters */}
              <img
                src={apiUrl("/api/brand/card", { which, platform: platform as PlatformKey, v: k.version })}
                alt={`The ${which} card for ${name}: ${k[which].title || "the logo only"}`}
              />
              <figcaption className="small">
                {which === "intro" ? "Intro" : "Outro"}, {k[which].seconds} s{which === "intro" ? " before" : " after"}{" "}
                the clip
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </div>
  );
}

type Coverage = { data: FontCoverage | null; error: string | null; loading: boolean };

function useFontCoverage(projectId: string, font: string | null | undefined, version: number): Coverage {
  // The answer is kept with the question it answers, so a new font or kit version reads as loading.
  const key = `${projectId}|${font ?? ""}|${version}`;
  const [state, setState] = useState<{ key: string; data: FontCoverage | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!font) return;
    let live = true;
    unwrap(api.GET("/api/brand/coverage", { params: { query: { project_id: projectId } } }))
      .then((data) => live && setState({ key, data, error: null }))
      .catch((err: unknown) => live && setState({ key, data: null, error: errorMessage(err) }));
    return () => {
      live = false;
    };
  }, [key, projectId, font]);
  if (!state || state.key !== key) return { data: null, error: null, loading: Boolean(font) };
  return { data: state.data, error: state.error, loading: false };
}

/** How a character is named to the creator: itself and its code point (some look alike or are invisible). */
function charName(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

type CoverageProps = { projectId: string; kit: Loaded<BrandKit> };

/**
 * Before rendering: which characters of the project's transcript the brand font cannot draw. Captions
 * draw those in a fallback font; the fix is a font that covers them.
 */
export function FontCoverageNote({ projectId, kit }: CoverageProps) {
  const k = kit.data;
  const font = k?.enabled ? k.font_family : null;
  const coverage = useFontCoverage(projectId, font, k?.version ?? 0);
  if (!font) return null;
  if (coverage.loading) {
    return (
      <p className="small muted" role="status" data-testid="font-coverage">
        Checking that {font} draws every character of this transcript…
      </p>
    );
  }
  if (coverage.error) {
    return (
      <div data-testid="font-coverage">
        <FormError
          message={`Could not check which characters ${font} draws: ${coverage.error} Exports still render; characters the font lacks are drawn in a fallback font.`}
        />
      </div>
    );
  }
  const data = coverage.data;
  if (!data) return null;
  if (data.missing.length === 0) {
    return (
      <p className="small muted" data-testid="font-coverage">
        {font} draws all {data.checked_chars} characters of this transcript.
      </p>
    );
  }
  return (
    <div className="alert alert-warn stack" role="status" data-testid="font-coverage">
      <p>
        <strong>
          Your brand font {font} cannot draw {data.missing.length === 1 ? "this character" : "these characters"} of the
          transcript:
        </strong>
      </p>
      <ul className="missing-chars" aria-label="Characters the brand font cannot draw">
        {data.missing.map((c) => (
          <li key={c} data-testid="missing-char" title={charName(c)}>
            <code>{c}</code> <span className="small">{charName(c)}</span>
          </li>
        ))}
      </ul>
      <p className="small">
        Captions draw {data.missing.length === 1 ? "it" : "them"} in a fallback font, so{" "}
        {data.missing.length === 1 ? "it looks" : "they look"} different from the rest of the words. To keep one look,
        upload a font that covers {data.missing.length === 1 ? "it" : "them"} in{" "}
        <Link href="/settings/">Settings → Brand kit</Link>.
      </p>
    </div>
  );
}
