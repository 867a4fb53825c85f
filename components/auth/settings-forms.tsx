"use client";

import { useActionState } from "react";

/** What a settings action answers (app/(app)/settings/actions.ts): done, with what to show, or the message and its field. */
export type ActionResult<T = object> = ({ ok: true } & T) | { ok: false; message: string; field?: string };

/** A form's server action (the page hands it down: components do not import app/). */
type FormAction<T> = (previous: ActionResult<T>, form: FormData) => Promise<ActionResult<T>>;

function Message({ state, success }: { state: ActionResult<object> | null; success?: React.ReactNode }) {
  if (!state) return null;
  if (!state.ok)
    return (
      <p className="field-error" role="alert">
        {state.message}
      </p>
    );
  return success ? <div role="status">{success}</div> : null;
}

function Secret({ value, note, testId }: { value: string; note: string; testId: string }) {
  return (
    <div className="secret">
      <input readOnly value={value} data-testid={testId} onFocus={(e) => e.currentTarget.select()} aria-label={note} />
      <p className="small muted">{note}</p>
    </div>
  );
}

export function TokenForm({ create }: { create: FormAction<{ token?: string }> }) {
  const [state, action, pending] = useActionState(create, null as unknown as ActionResult<{ token?: string }>);
  return (
    <form action={action} className="inline-form" data-testid="token-form">
      <label className="field">
        <span>Token name</span>
        <input name="name" placeholder="e.g. nightly export script" required maxLength={80} />
      </label>
      <button type="submit" className="button primary" disabled={pending}>
        Create token
      </button>
      <Message state={state} success={state?.ok && state.token ? <Secret value={state.token} testId="new-token" note="Copy it now: it is shown once. Send it as Authorization: Bearer <token>." /> : null} />
    </form>
  );
}

export function InviteForm({ invite }: { invite: FormAction<{ url?: string }> }) {
  const [state, action, pending] = useActionState(invite, null as unknown as ActionResult<{ url?: string }>);
  return (
    <form action={action} className="inline-form" data-testid="invite-form">
      <label className="field">
        <span>Email</span>
        <input name="email" type="email" required />
      </label>
      <label className="field">
        <span>Role</span>
        <select name="role" defaultValue="analyst">
          <option value="analyst">Analyst</option>
          <option value="viewer">Viewer (reads only)</option>
          <option value="admin">Admin</option>
        </select>
      </label>
      <button type="submit" className="button primary" disabled={pending}>
        Invite
      </button>
      <Message state={state} success={state?.ok && state.url ? <Secret value={state.url} testId="invite-url" note="Send this link to them: it works once, for 7 days." /> : null} />
    </form>
  );
}

export function PasswordForm({ change }: { change: FormAction<object> }) {
  const [state, action, pending] = useActionState(change, null as unknown as ActionResult);
  return (
    <form action={action} className="inline-form" data-testid="password-form">
      <label className="field">
        <span>Current password</span>
        <input name="current" type="password" autoComplete="current-password" required />
      </label>
      <label className="field">
        <span>New password</span>
        <input name="password" type="password" autoComplete="new-password" required minLength={10} />
      </label>
      <label className="field">
        <span>New password again</span>
        <input name="confirm" type="password" autoComplete="new-password" required />
      </label>
      <button type="submit" className="button" disabled={pending}>
        Change password
      </button>
      <Message state={state} success={state?.ok ? <p className="small">Password changed. Other browsers signed in as you were signed out.</p> : null} />
    </form>
  );
}
