import type { Style } from "@/lib/api/types";

type Props = { legend: string; name: string; styles: Style[]; value: string; onChange: (key: string) => void };

export function StylePicker({ legend, name, styles, value, onChange }: Props) {
  return (
    <fieldset className="picker">
      <legend>{legend}</legend>
      {styles.map((s) => (
        <label key={s.key || "none"} title={s.description}>
          <input type="radio" name={name} value={s.key} checked={value === s.key} onChange={() => onChange(s.key)} />
          {s.name}
          <span className="hint" style={{ display: "block", fontWeight: 400 }}>
            {s.description}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
