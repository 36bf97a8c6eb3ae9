"use client";

import { type ChangeEvent, type FormEvent, useEffect, useState } from "react";

import { uploadBrandFile, type BrandFileKind } from "@/lib/api/brand-files";
import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { BrandKit, BrandKitUpdate } from "@/lib/api/types";
import { FormError } from "@/components/ui/form-error";

const POSITIONS = [
  ["top-left", "Top left"],
  ["top-right", "Top right"],
  ["bottom-left", "Bottom left"],
  ["bottom-right", "Bottom right"],
] as const;

const COLOURS = [
  ["background", "Card background"],
  ["text_color", "Card title"],
  ["accent", "Accent"],
] as const;

type CardKey = "intro" | "outro";

function toUpdate(kit: BrandKit): BrandKitUpdate {
  return {
    enabled: kit.enabled,
    background: kit.background,
    text_color: kit.text_color,
    accent: kit.accent,
    logo_position: kit.logo_position,
    logo_scale: kit.logo_scale,
    logo_opacity: kit.logo_opacity,
    intro: kit.intro,
    outro: kit.outro,
    version: kit.version,
  };
}

/** The account's brand kit: colours, font, logo watermark, intro/outro cards, with a live card preview. */
export function BrandKitCard() {
  const [kit, setKit] = useState<BrandKit | null>(null);
  const [draft, setDraft] = useState<BrandKitUpdate | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    unwrap(api.GET("/api/brand"))
      .then((k) => {
        setKit(k);
        setDraft(toUpdate(k));
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  function took(k: BrandKit) {
    setKit(k);
    setDraft((d) => (d ? { ...d, version: k.version } : toUpdate(k)));
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(false);
    setBusy("save");
    try {
      const k = await unwrap(api.PUT("/api/brand", { body: draft }));
      setKit(k);
      setDraft(toUpdate(k));
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  async function upload(kind: BrandFileKind, event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file || !kit) return;
    setError(null);
    setSaved(false);
    setBusy(kind);
    try {
      took(await uploadBrandFile(kind, file, kit.version));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  async function remove(kind: BrandFileKind) {
    if (!kit) return;
    setError(null);
    try {
      took(
        await unwrap(api.DELETE("/api/brand/{kind}", { params: { path: { kind }, query: { version: kit.version } } })),
      );
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  if (!kit || !draft) {
    return (
      <div className="card stack">
        <h2>Brand kit</h2>
        {error ? <FormError message={error} /> : <p className="muted">Loading your brand kit…</p>}
      </div>
    );
  }

  const set = (patch: Partial<BrandKitUpdate>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const setCard = (key: CardKey, patch: Partial<BrandKitUpdate[CardKey]>) =>
    set({ [key]: { ...draft[key], ...patch } });
  const stamp = `${kit.version}`;

  return (
    <form className="card stack" onSubmit={save} aria-labelledby="brand-title" data-testid="brand-kit">
      <h2 id="brand-title">Brand kit</h2>
      <p className="small muted">
        Your font, colours, logo watermark and intro/outro cards, added to every export from now on. Exports made before
        keep the look they had.
      </p>
      <label className="row">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        Apply the brand kit to exports
      </label>

      <fieldset className="stack">
        <legend>Font</legend>
        <p className="small">
          {kit.font_family ? (
            <>
              <strong data-testid="brand-font">{kit.font_family}</strong> ({kit.font_name})
            </>
          ) : (
            "Source Sans Pro (built in)"
          )}
        </p>
        <div className="row">
          <label htmlFor="brand-font-file">Upload a TTF or OTF font (at most 10 MB)</label>
          <input
            id="brand-font-file"
            type="file"
            accept=".ttf,.otf,font/ttf,font/otf"
            onChange={(e) => void upload("font", e)}
            disabled={busy !== null}
          />
          {kit.font_family && (
            <button type="button" onClick={() => void remove("font")}>
              Use the built-in font
            </button>
          )}
        </div>
      </fieldset>

      <fieldset className="stack">
        <legend>Colours</legend>
        <div className="row">
          {COLOURS.map(([key, label]) => (
            <label key={key} className="row">
              <input type="color" value={draft[key].toLowerCase()} onChange={(e) => set({ [key]: e.target.value })} />
              {label}
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="stack">
        <legend>Logo watermark</legend>
        {kit.has_logo ? (
          <div className="row">
            {/* eslint-disable-next-line @next/next/no-img-element -- an authenticated API image, not a static asset */}
            <img
              src={apiUrl("/api/brand/logo", { v: stamp })}
              alt="Your logo"
              height={48}
              style={{ background: "#e5e7eb", padding: 4, borderRadius: 4 }}
              data-testid="brand-logo"
            />
            <span className="small muted">
              {kit.logo_name} · {kit.logo_size?.join(" × ")} px
            </span>
            <button type="button" onClick={() => void remove("logo")}>
              Remove the logo
            </button>
          </div>
        ) : (
          <p className="small muted">No logo yet: exports have no watermark.</p>
        )}
        <div className="row">
          <label htmlFor="brand-logo-file">Upload a logo (PNG, JPEG or WebP, at most 5 MB)</label>
          <input
            id="brand-logo-file"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            onChange={(e) => void upload("logo", e)}
            disabled={busy !== null}
          />
        </div>
        <div className="row">
          <label htmlFor="brand-position">Corner</label>
          <select
            id="brand-position"
            value={draft.logo_position}
            onChange={(e) => set({ logo_position: e.target.value as BrandKitUpdate["logo_position"] })}
          >
            {POSITIONS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
          <label htmlFor="brand-scale">Size</label>
          <input
            id="brand-scale"
            type="range"
            min={0.05}
            max={0.4}
            step={0.01}
            value={draft.logo_scale}
            onChange={(e) => set({ logo_scale: Number(e.target.value) })}
          />
          <label htmlFor="brand-opacity">Opacity</label>
          <input
            id="brand-opacity"
            type="range"
            min={0.1}
            max={1}
            step={0.05}
            value={draft.logo_opacity}
            onChange={(e) => set({ logo_opacity: Number(e.target.value) })}
          />
        </div>
      </fieldset>

      {(["intro", "outro"] as const).map((key) => (
        <fieldset key={key} className="stack">
          <legend>{key === "intro" ? "Intro card" : "Outro card"}</legend>
          <label className="row">
            <input
              type="checkbox"
              checked={draft[key].enabled}
              onChange={(e) => setCard(key, { enabled: e.target.checked })}
            />
            Add {key === "intro" ? "an intro" : "an outro"} card to every export
          </label>
          <div className="row">
            <label htmlFor={`brand-${key}-title`}>Title</label>
            <input
              id={`brand-${key}-title`}
              value={draft[key].title ?? ""}
              maxLength={200}
              onChange={(e) => setCard(key, { title: e.target.value })}
            />
            <label htmlFor={`brand-${key}-seconds`}>Seconds</label>
            <input
              id={`brand-${key}-seconds`}
              type="number"
              min={1}
              max={5}
              step={0.5}
              value={draft[key].seconds ?? 2}
              onChange={(e) => setCard(key, { seconds: Number(e.target.value) })}
            />
          </div>
          {/* eslint-disable-next-line @next/next/no-img-element -- drawn by the API with the export's own filters */}
          <img
            src={apiUrl("/api/brand/card", { which: key, platform: "tiktok", v: stamp })}
            alt={`The ${key} card as exports show it`}
            width={180}
            height={320}
            style={{ borderRadius: 6, border: "1px solid var(--border, #ddd)" }}
            data-testid={`brand-${key}-preview`}
          />
        </fieldset>
      ))}

      <FormError message={error} />
      {saved && (
        <div className="alert alert-ok" role="status">
          Brand kit saved. New exports use it.
        </div>
      )}
      <div>
        <button type="submit" className="primary" disabled={busy !== null}>
          Save brand kit
        </button>
      </div>
    </form>
  );
}
