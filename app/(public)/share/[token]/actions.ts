"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientAddress, isHttps } from "@/lib/auth/next";
import { passCookieName } from "@/lib/auth/share-access";
import type { AuthFormState } from "@/components/auth/auth-form";
import { getPool } from "@/lib/db";
import { action } from "@/lib/http/action";
import { checkSharePassword, resolveShare, sharePass } from "@/lib/services/shares";


/** A visitor's password for a protected link: a cookie for this link only (12 hours), then the view. */
export const unlockShareAction = action(
  { access: "public", failure: (problem: AuthFormState) => problem },
  async (_, token: string, _previous: AuthFormState, form: FormData): Promise<AuthFormState> => {
    const h = await headers();
    const address = clientAddress(h);
    const share = await resolveShare(getPool(), token, address);
    if (!share) return { message: "This link is no longer available." };
    if (!(await checkSharePassword(getPool(), share, String(form.get("password") ?? ""), address))) return { message: "That is not the password of this link.", field: "password" };
    (await cookies()).set({
      name: passCookieName(share),
      value: await sharePass(getPool(), share),
      httpOnly: true,
      sameSite: "lax",
      secure: isHttps(h),
      path: `/share/${token}`,
      maxAge: 12 * 3600,
    });
    redirect(`/share/${token}`);
  },
);
