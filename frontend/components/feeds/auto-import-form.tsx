"use client";

import { useEffect, useState } from "react";

import { errorMessage } from "@/lib/api/errors";
import {
  renderOptions,
  setAutoImport,
  type Feed,
  type FeedRecipe,
  type PlatformKey,
  type RenderOptions,
} from "@/lib/api/feeds";
import { FormError } from "@/components/ui/form-error";

const DEFAULT_RECIPE: FeedRecipe = { platforms: ["youtube_shorts"], caption_style: "karaoke", clips: 3 };

export function AutoImportForm({ feed, onSaved }: { feed: Feed; onSaved: () => void }) {
  const [options, setOptions] = useState<RenderOptions | null>(null);
  const [recipe, setRecipe] = useState<FeedRecipe>(feed.recipe ?? DEFAULT_RECIPE);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    renderOptions()
      .then(setOptions)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  async function save(autoImport: boolean, next: FeedRecipe) {
    setError(null);
    try {
      await setAutoImport(feed.id, autoImport, next);
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const platforms = recipe.platforms ?? [];
  function togglePlatform(key: PlatformKey, on: boolean) {
    setRecipe({ ...recipe, platforms: on ? [...platforms, key] : platforms.filter((p) => p !== key) });
  }

  return (
    <fieldset className="stack">
      <legend>Auto-import</legend>
      <label>
        <input type="checkbox" checked={feed.auto_import} onChange={(e) => save(e.target.checked, recipe)} /> Import new
        episodes as they are published (checked about every half hour)
      </label>
      {options && (
        <div className="row">
          {options.platforms.map((p) => (
            <label key={p.key} className="small">
              <input
                type="checkbox"
                checked={platforms.includes(p.key)}
                onChange={(e) => togglePlatform(p.key, e.target.checked)}
              />{" "}
              {p.name}
            </label>
          ))}
          <label className="small">
            Captions{" "}
            <select
              value={recipe.caption_style}
              onChange={(e) => setRecipe({ ...recipe, caption_style: e.target.value as FeedRecipe["caption_style"] })}
            >
              {options.caption_styles.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="small">
            Clips{" "}
            <input
              type="number"
              min={1}
              max={10}
              value={recipe.clips}
              onChange={(e) => setRecipe({ ...recipe, clips: Number(e.target.value) })}
            />
          </label>
          <button type="button" onClick={() => save(feed.auto_import, recipe)}>
            Save recipe
          </button>
        </div>
      )}
      <FormError message={error} />
    </fieldset>
  );
}
