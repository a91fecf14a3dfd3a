import githubAppJwt from 'universal-github-app-jwt';

/**
 * The App JWT GitHub asks for: RS256, `iss` the App id, `iat` 60 s in the past (clock drift),
 * `exp` 10 minutes after `iat`. The library sets `iat` 30 s before the `now` it is given, so
 * it is given `now` 30 s early. Throws when the key is not an RSA private key in PEM.
 */
export async function createAppJwt(appId: string, privateKey: string, now: Date): Promise<string> {
  const { token } = await githubAppJwt({
    // A numeric App id goes in as a number, as GitHub's own libraries send it.
    id: /^\d+$/.test(appId) ? Number(appId) : appId,
    privateKey,
    now: Math.floor(now.getTime() / 1000) - 30,
  });
  return token;
}
