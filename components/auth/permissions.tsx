"use client";

import { createContext, useContext } from "react";

/**
 * What the signed-in account may do beyond reading (lib/services/workspace-settings.ts's Permissions), handed
 * down once by the signed-in layout, so any control can hide itself for a viewer: not shown, not disabled.
 * The server refuses the same things again (lib/http/route.ts, action.ts). Outside the layout (share links)
 * nothing is withheld here: shared views decide from their link.
 */
export interface Permissions {
  change: boolean;
  export: boolean;
}

const Allowed = createContext<Permissions>({ change: true, export: true });

export function PermissionsProvider({ value, children }: { value: Permissions; children: React.ReactNode }) {
  return <Allowed.Provider value={value}>{children}</Allowed.Provider>;
}

export const usePermissions = () => useContext(Allowed);

/** Its children only when the account may `to` ("change": upload, run, share, edit; "export": download). */
export function IfAllowed({ to, children }: { to: keyof Permissions; children: React.ReactNode }) {
  return useContext(Allowed)[to] ? <>{children}</> : null;
}
