/** A field for choosing a password, with the server's length rule as its hint. */
export function NewPasswordField({ name, label, hintId }: { name: string; label: string; hintId: string }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input id={name} name={name} type="password" autoComplete="new-password" required aria-describedby={hintId} />
      <p className="hint" id={hintId}>
        8 to 256 characters.
      </p>
    </div>
  );
}
