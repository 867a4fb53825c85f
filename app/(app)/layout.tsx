import Link from "next/link";
import { logoutAction } from "@/app/(public)/login/actions";
import { requireUser } from "@/lib/auth/next";

// Every page below checks the session itself as well: a layout is not re-run on every navigation.
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <header className="top-bar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Segmenta
        </Link>
        <nav aria-label="Main">
          <Link href="/">Datasets</Link>
          <Link href="/upload">Upload</Link>
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
        {children}
      </main>
    </>
  );
}
