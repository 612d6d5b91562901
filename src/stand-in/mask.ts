/** Shows that a secret is set without showing it: `****` plus its last 2 characters when it has 8 or more. */
export function mask(secret: string): string {
  if (secret === "") return "";
  return secret.length >= 8 ? `****${secret.slice(-2)}` : "****";
}
