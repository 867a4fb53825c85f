import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthForm } from "@/components/auth/auth-form";
import { currentUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { countUsers } from "@/lib/services/accounts";
import { loginAction } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ next?: string | string[] }> };

export default async function LoginPage({ searchParams }: Props) {
  await connection();
  if ((await countUsers(getPool())) === 0) redirect("/setup");
  if (await currentUser()) redirect("/");
  const next = (await searchParams).next;
  return (
    <section className="card auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <p className="muted">Segmenta keeps customers’ purchase histories: sign in with the account an admin gave you.</p>
      <AuthForm
        action={loginAction}
        testId="login-form"
        submit="Sign in"
        fields={[
          { name: "email", label: "Email", type: "email", autoComplete: "username" },
          { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
          { name: "next", label: "", type: "hidden", value: typeof next === "string" ? next : "/" },
        ]}
      />
    </section>
  );
}
