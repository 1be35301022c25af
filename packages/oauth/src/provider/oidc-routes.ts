/** The paths of the authorization server's endpoints under its prefix (the metadata lists them). */
export function oidcRoutes(prefix: string) {
  return {
    authorization: `${prefix}/authorize`,
    token: `${prefix}/token`,
    jwks: `${prefix}/jwks`,
    registration: `${prefix}/register`,
    revocation: `${prefix}/revoke`,
    introspection: `${prefix}/introspect`,
    end_session: `${prefix}/logout`,
    userinfo: `${prefix}/userinfo`,
    code_verification: `${prefix}/device`,
    device_authorization: `${prefix}/device/auth`,
    pushed_authorization_request: `${prefix}/par`,
    backchannel_authentication: `${prefix}/backchannel`,
    challenge: `${prefix}/challenge`,
    credential: `${prefix}/credential`,
  };
}
