/** A number field in seconds (0.1 s steps) named for screen readers by `label`. */
export function SecondsInput({
  label,
  min,
  max = 60,
  value,
  onChange,
  disabled = false,
}: {
  label: string;
  min: number;
  max?: number;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  return (
    <input
      type="number"
      aria-label={label}
      min={min}
      max={max}
      step={0.1}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      style={{ width: "5em" }}
      disabled={disabled}
    />
  );
}
