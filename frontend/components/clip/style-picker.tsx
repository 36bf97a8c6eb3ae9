/** A picker's choice: a style from GET /api/render/options (or a "none" entry the page adds). */
type Choice<K extends string> = { key: K; name: string; description: string };

type Props<K extends string> = {
  legend: string;
  name: string;
  styles: Choice<K>[];
  value: K;
  onChange: (key: K) => void;
};

export function StylePicker<K extends string>({ legend, name, styles, value, onChange }: Props<K>) {
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
