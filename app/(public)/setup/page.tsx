import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthForm } from "@/components/auth/auth-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { getPool } from "@/lib/db";
import { countUsers } from "@/lib/services/accounts";
import { setupAction } from "../login/actions";

export const metadata: Metadata = { title: "Set up" };

// Shown only while there is no account: it creates the first admin.
export default async function SetupPage() {
  await connection();
  if ((await countUsers(getPool())) > 0) redirect("/login");
  return (
    <section className="card auth-card" aria-labelledby="setup-title">
      <h1 id="setup-title">Set up Segmenta</h1>
      <p className="muted">
        Create the first admin account. Admins invite analysts from Settings; everyone in the workspace sees its datasets. (Unattended installs can set ADMIN_EMAIL and
        ADMIN_PASSWORD instead.)
      </p>
      <AuthForm
        action={setupAction}
        testId="setup-form"
        submit="Create the admin account"
        fields={[
          { name: "name", label: "Name", type: "text", autoComplete: "name", required: false },
          { name: "email", label: "Email", type: "email", autoComplete: "username" },
          { name: "password", label: "Password", type: "password", autoComplete: "new-password", hint: `At least ${MIN_PASSWORD_LENGTH} characters.` },
          { name: "confirm", label: "Password again", type: "password", autoComplete: "new-password" },
        ]}
      />
    </section>
  );
}
