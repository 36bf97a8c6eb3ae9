import type { Clip } from "@/lib/api/types";

import { StylePicker } from "./style-picker";

/** The clip's look choices the editor saves with the clip (see ClipPublic). */
export type Look = Pick<Clip, "speaker_badges" | "emphasis" | "emoji" | "caption_size" | "caption_position">;

export function lookOf(clip: Clip): Look {
  return {
    speaker_badges: clip.speaker_badges ?? false,
    emphasis: clip.emphasis ?? false,
    emoji: clip.emoji ?? false,
    caption_size: clip.caption_size ?? "medium",
    caption_position: clip.caption_position ?? "auto",
  };
}

const SIZES: { key: Look["caption_size"]; name: string; description: string }[] = [
  { key: "small", name: "Small", description: "80% of the style's size." },
  { key: "medium", name: "Medium", description: "The style's own size." },
  { key: "large", name: "Large", description: "125% of the style's size." },
];

const POSITIONS: { key: Look["caption_position"]; name: string; description: string }[] = [
  { key: "auto", name: "Auto", description: "Where the style puts them." },
  { key: "top", name: "Top", description: "At the top of the platform's safe area." },
  { key: "middle", name: "Middle", description: "In the middle of the safe area." },
  { key: "bottom", name: "Bottom", description: "At the bottom of the safe area." },
];

type Props = {
  look: Look;
  audiogram: boolean;
  onChange: (look: Look) => void;
  /** These choices differ from the saved clip's (the preview frame draws the saved ones). */
  unsaved?: boolean;
};

/** Speaker badges (audiograms), caption emphasis and emoji, caption size and position. */
export function LookControls({ look, audiogram, onChange, unsaved = false }: Props) {
  return (
    <>
      {audiogram && (
        <label className="row" style={{ fontWeight: 500 }}>
          <input
            type="checkbox"
            checked={look.speaker_badges}
            onChange={(e) => onChange({ ...look, speaker_badges: e.target.checked })}
          />
          Speaker badges: the one talking lights up (photos from the Speakers panel)
        </label>
      )}
      <label className="row" style={{ fontWeight: 500 }}>
        <input
          type="checkbox"
          checked={look.emphasis}
          onChange={(e) => onChange({ ...look, emphasis: e.target.checked })}
        />
        Emphasise numbers, names and keywords
      </label>
      <label className="row" style={{ fontWeight: 500 }}>
        <input type="checkbox" checked={look.emoji} onChange={(e) => onChange({ ...look, emoji: e.target.checked })} />
        Emoji at the end of a line (where a font on the server draws them)
      </label>
      <StylePicker
        legend="Caption size"
        name="caption_size"
        styles={SIZES}
        value={look.caption_size}
        onChange={(caption_size) => onChange({ ...look, caption_size })}
      />
      <StylePicker
        legend="Caption position"
        name="caption_position"
        styles={POSITIONS}
        value={look.caption_position}
        onChange={(caption_position) => onChange({ ...look, caption_position })}
      />
      {unsaved && (
        <p className="small muted" data-testid="look-unsaved">
          Save the clip to see these choices in the preview frame.
        </p>
      )}
    </>
  );
}
