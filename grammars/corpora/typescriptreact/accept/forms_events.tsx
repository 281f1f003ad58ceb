import { useState, type ChangeEvent, type FormEvent } from "react";

type Fields = { email: string; password: string; remember: boolean };

export function LoginForm({ onSubmit }: { onSubmit(fields: Fields): Promise<void> }) {
  const [fields, setFields] = useState<Fields>({ email: "", password: "", remember: false });
  const [busy, setBusy] = useState(false);

  const update = (key: keyof Fields) => (e: ChangeEvent<HTMLInputElement>) =>
    setFields((f) => ({ ...f, [key]: e.target.type === "checkbox" ? e.target.checked : e.target.value }));

  async function handleSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    try {
      await onSubmit(fields);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      <label>
        Email
        <input type="email" value={fields.email} onChange={update("email")} required />
      </label>
      <label>
        Password
        <input type="password" value={fields.password} onChange={update("password")} minLength={8} />
      </label>
      <label>
        <input type="checkbox" checked={fields.remember} onChange={update("remember")} /> Remember me
      </label>
      <button type="submit" disabled={busy || !fields.email}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
