import Link from "next/link";
import { logoutAction } from "@/app/(public)/login/actions";
import { PermissionsProvider } from "@/components/auth/permissions";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { permissionsOf } from "@/lib/services/workspace-settings";

// Every page below checks the session itself as well: a layout is not re-run on every navigation.
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const allowed = await permissionsOf(getPool(), user);
  return (
    <>
      <header className="top-bar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Segmenta
        </Link>
        <nav aria-label="Main">
          <Link href="/">Datasets</Link>
          {allowed.change && <Link href="/upload">Upload</Link>}
          <Link href="/settings" data-testid="settings-link" title={`Signed in as ${user.email}`}>
            Settings
          </Link>
          <form action={logoutAction}>
            <button type="submit" className="link-button" data-testid="sign-out">
              Sign out
            </button>
          </form>
        </nav>
      </header>
      <main id="main" className="page">
        <PermissionsProvider value={allowed}>{children}</PermissionsProvider>
      </main>
    </>
  );
}
