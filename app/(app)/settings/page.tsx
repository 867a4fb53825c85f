import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { InviteForm, PasswordForm, TokenForm } from "@/components/auth/settings-forms";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { formatInteger, formatMoment } from "@/lib/format";
import { listApiTokens, listInvitations, listUsers } from "@/lib/services/accounts";
import { listShares, mayRevoke, type Share } from "@/lib/services/shares";
import { viewersMayExport } from "@/lib/services/workspace-settings";
import {
  changePasswordAction,
  changeRoleAction,
  createTokenAction,
  deleteTokenAction,
  inviteAction,
  removeUserAction,
  revokeInvitationAction,
  revokeShareAction,
  viewersMayExportAction,
} from "./actions";

export const metadata: Metadata = { title: "Settings" };


function describeView(share: Share): { text: string; href: string } {
  const view = share.view;
  if (view.page === "overview") return { text: `Overview${view.grain === "week" ? " (by week)" : ""}`, href: `/datasets/${share.datasetId}${view.grain === "week" ? "?grain=week" : ""}` };
  if (view.page === "run") return { text: `Run ${share.runId}${view.compare ? ` compared with run ${view.compare}` : ""}`, href: `/runs/${share.runId}${view.compare ? `?compare=${view.compare}` : ""}` };
  return { text: `Run ${share.runId}, segment ${view.segmentNo + 1}`, href: `/runs/${share.runId}/segments/${view.segmentNo}` };
}

export default async function SettingsPage() {
  const user = await requireUser();
  await connection();
  const pool = getPool();
  const admin = user.role === "admin";
  const [tokens, shares, users, invitations, viewersExport] = await Promise.all([
    listApiTokens(pool, user.id),
    listShares(pool),
    admin ? listUsers(pool) : [],
    admin ? listInvitations(pool) : [],
    admin && viewersMayExport(pool),
  ]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p className="lead">
            Signed in as <strong data-testid="signed-in-as">{user.email}</strong> ({user.role}).
          </p>
        </div>
      </div>

      <section className="card" aria-labelledby="shares-title" data-testid="shares">
        <h2 id="shares-title">Share links</h2>
        <p className="muted small">
          Every read-only link of the workspace. A revoked link answers “not found” at once, pages already open included. Whoever made a link, or an admin,
          revokes it.
        </p>
        {shares.length === 0 ? (
          <p className="muted">No links yet: use “Share” on a dataset overview, a run or a segment.</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Link</th>
                  <th scope="col">Shows</th>
                  <th scope="col">By</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Protection</th>
                  <th scope="col" className="num">
                    Views
                  </th>
                  <th scope="col">Last viewed</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="row-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shares.map((s) => {
                  const view = describeView(s);
                  return (
                    <tr key={s.id} data-share={s.prefix} data-status={s.status}>
                      <td>
                        <code>/share/{s.prefix}…</code>
                      </td>
                      <td>
                        {s.datasetName}: <Link href={view.href}>{view.text}</Link>
                      </td>
                      <td>{s.createdBy}</td>
                      <td>{formatMoment(s.createdAt)}</td>
                      <td>{formatMoment(s.expiresAt)}</td>
                      <td>{[s.hasPassword ? "password" : null, s.allowExport ? "customer rows allowed" : null].filter(Boolean).join(", ") || "–"}</td>
                      <td className="num" data-figure="views">
                        {formatInteger(s.views)}
                      </td>
                      <td>{formatMoment(s.lastViewedAt)}</td>
                      <td>
                        <span className={`badge status-${s.status}`}>{s.status}</span>
                      </td>
                      <td className="row-actions">
                        {s.status === "active" && mayRevoke(user, s) && (
                          <form action={revokeShareAction.bind(null, s.id)}>
                            <button type="submit" className="button small danger" data-testid="revoke-share">
                              Revoke
                            </button>
                          </form>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="tokens-title" data-testid="api-tokens">
        <h2 id="tokens-title">Personal API tokens</h2>
        <p className="muted small">
          For scripts: <code>curl -H &quot;Authorization: Bearer seg_…&quot; http://…/api/datasets</code>. A token acts as you; delete it when it is no longer needed.
        </p>
        <TokenForm create={createTokenAction} />
        {tokens.length > 0 && (
          <ul className="plain-list">
            {tokens.map((t) => (
              <li key={t.id}>
                <strong>{t.name}</strong> <code>{t.prefix}…</code> <span className="muted small">created {formatMoment(t.createdAt)}, last used {formatMoment(t.lastUsedAt)}</span>{" "}
                <form action={deleteTokenAction.bind(null, t.id)} className="inline">
                  <button type="submit" className="button small danger">
                    Delete
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>

      {admin && (
        <section className="card" aria-labelledby="members-title" data-testid="members">
          <h2 id="members-title">People</h2>
          <p className="muted small">
            Everyone here sees every dataset of the workspace. Analysts upload, run, share, and delete the datasets they uploaded; viewers read the dashboards
            and change nothing. Admins also invite and remove people, and delete any dataset.
          </p>
          <form action={viewersMayExportAction} className="inline-form" data-testid="viewers-export-form">
            <label className="check">
              <input type="checkbox" name="viewersMayExport" defaultChecked={viewersExport} data-testid="viewers-may-export" /> Viewers may download data (members CSV,
              run reports, chart PNGs)
            </label>
            <button type="submit" className="button small">
              Save
            </button>
          </form>
          <ul className="plain-list">
            {users.map((u) => (
              <li key={u.id}>
                <strong>{u.email}</strong> {u.name ? `(${u.name}) ` : ""}
                {u.id === user.id ? (
                  <span className="badge">{u.role}</span>
                ) : (
                  <form action={changeRoleAction.bind(null, u.id)} className="inline" data-testid={`role-form-${u.email}`}>
                    <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                      Role of {u.email}
                    </label>
                    <select id={`role-${u.id}`} name="role" defaultValue={u.role}>
                      <option value="admin">admin</option>
                      <option value="analyst">analyst</option>
                      <option value="viewer">viewer</option>
                    </select>{" "}
                    <button type="submit" className="button small">
                      Change role
                    </button>
                  </form>
                )}
                {u.id !== user.id && (
                  <form action={removeUserAction.bind(null, u.id)} className="inline">
                    <button type="submit" className="button small danger">
                      Remove
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
          <h3>Invite someone</h3>
          <InviteForm invite={inviteAction} />
          {invitations.length > 0 && (
            <>
              <h3>Open invitations</h3>
              <ul className="plain-list">
                {invitations.map((i) => (
                  <li key={i.id}>
                    {i.email} <span className="badge">{i.role}</span> <span className="muted small">until {formatMoment(i.expiresAt)}</span>{" "}
                    <form action={revokeInvitationAction.bind(null, i.id)} className="inline">
                      <button type="submit" className="button small">
                        Withdraw
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <PasswordForm change={changePasswordAction} />
      </section>
    </>
  );
}
