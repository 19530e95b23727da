// A real OpenID Connect provider for the tests (npm's oidc-provider, OpenID Certified), started
// on a loopback port by tests/oidc/__init__.py. Any login name signs in as that account: its
// `sub` is the name, `oid` is "oid-" + the name (as Entra ID sends), its email name@council.example.
//
//   node tests/oidc/provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI[,REDIRECT_URI...]
import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirects] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirects.split(","),
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  cookies: { keys: ["tests-only-not-a-secret"] },
  claims: {
    openid: ["sub", "oid"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  conformIdTokenClaims: false, // put the scope's claims in the ID token, as Entra ID and Google do
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, oid: `oid-${id}`, email: `${id}@council.example`, email_verified: true, name: id };
      },
    };
  },
  // First-party client: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
