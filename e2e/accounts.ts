/** The admin the e2e setup creates through the setup page, and where its signed-in state is kept. */
export const ADMIN = { email: "ana@example.com", password: "correct horse battery staple" };
export const ADMIN_STATE = "test-results/.auth/admin.json";
