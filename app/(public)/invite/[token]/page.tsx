import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { AuthForm } from "@/components/auth/auth-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { getPool } from "@/lib/db";
import { findInvitation } from "@/lib/services/accounts";
import { acceptInvitationAction } from "../../login/actions";

export const metadata: Metadata = { title: "Join" };

type Props = { params: Promise<{ token: string }> };

export default async function InvitePage({ params }: Props) {
  await connection();
  const { token } = await params;
  const invitation = await findInvitation(getPool(), token);
  if (!invitation) notFound(); // not-found.tsx beside this page says what to do
  return (
    <section className="card auth-card" aria-labelledby="invite-title">
      <h1 id="invite-title">Join Segmenta</h1>
      <p className="muted">
        You were invited as {invitation.role === "admin" ? "an admin" : invitation.role === "viewer" ? "a viewer (reads only)" : "an analyst"} with <strong>{invitation.email}</strong>. Choose a password to finish.
      </p>
      <AuthForm
        action={acceptInvitationAction.bind(null, token)}
        testId="invite-form"
        submit="Create my account"
        fields={[
          { name: "name", label: "Name", type: "text", autoComplete: "name", required: false },
          { name: "password", label: "Password", type: "password", autoComplete: "new-password", hint: `At least ${MIN_PASSWORD_LENGTH} characters.` },
          { name: "confirm", label: "Password again", type: "password", autoComplete: "new-password" },
        ]}
      />
    </section>
  );
}
