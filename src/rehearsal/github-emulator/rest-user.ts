/** `GET /user`: the token's user, and its classic scopes in `x-oauth-scopes` (what `drover doctor` checks). */
import type { Route } from './router.js';

export function userRoute(scopes: string): Route {
  return {
    method: 'GET',
    pattern: /^\/user$/,
    name: '/user',
    handle: (_req, _params, ctx) => ({
      status: 200,
      body: {
        login: 'octocat',
        id: 1,
        node_id: 'MDQ6VXNlcjE=',
        type: 'User',
        site_admin: false,
        url: `${ctx.baseUrl}/users/octocat`,
        html_url: `${ctx.baseUrl}/octocat`,
      },
      headers: { 'x-oauth-scopes': scopes, 'x-accepted-oauth-scopes': '' },
    }),
  };
}
