"use client";

import { startTransition, useActionState } from "react";

/** What a sign-in, set-up or password form shows after its action: the message, and the field it is about. */
export interface AuthFormState {
  message: string | null;
  field?: string;
}

export interface AuthField {
  name: string;
  label: string;
  type: "email" | "password" | "text" | "hidden";
  autoComplete?: string;
  value?: string;
  required?: boolean;
  hint?: string;
}

/** A small form posting to a server action (sign in, set up, accept an invitation), with the action's message. */
export function AuthForm({ action, fields, submit, testId }: { action: (state: AuthFormState, form: FormData) => Promise<AuthFormState>; fields: AuthField[]; submit: string; testId: string }) {
  const [state, formAction, pending] = useActionState(action, { message: null });
  return (
    <form
      action={formAction}
      className="auth-form"
      data-testid={testId}
      noValidate
      // With JavaScript, submit without React's reset of the form: a wrong field keeps what was typed.
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      {fields.map((f) =>
        f.type === "hidden" ? (
          <input key={f.name} type="hidden" name={f.name} value={f.value ?? ""} />
        ) : (
          <label key={f.name} className="field">
            <span>{f.label}</span>
            <input
              name={f.name}
              type={f.type}
              autoComplete={f.autoComplete}
              defaultValue={f.value}
              required={f.required ?? true}
              aria-invalid={state.field === f.name || undefined}
              aria-describedby={f.hint ? `${f.name}-hint` : undefined}
            />
            {f.hint && (
              <small id={`${f.name}-hint`} className="muted">
                {f.hint}
              </small>
            )}
          </label>
        ),
      )}
      {state.message && (
        <p className="field-error" role="alert" data-testid="auth-error">
          {state.message}
        </p>
      )}
      <button type="submit" className="button primary" disabled={pending}>
        {pending ? "Please wait…" : submit}
      </button>
    </form>
  );
}
