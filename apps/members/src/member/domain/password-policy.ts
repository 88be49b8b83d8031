/**
 * Password rule for members (registration and the seeded admin):
 *  - 10 to 128 characters;
 *  - characters from at least two of the classes lower-case letters, upper-case letters, digits,
 *    and anything else (symbols, spaces, non-Latin letters);
 *  - not one character repeated, and not the email address or its local part.
 * Long passphrases of plain words with a space pass (two classes); "aaaaaaaaaa" or "1234567890" do not.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export function passwordPolicyViolations(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length;
  if (classes < 2) {
    problems.push('must mix at least two of lower-case letters, upper-case letters, digits and symbols');
  }
  if (length > 0 && new Set(password).size === 1) problems.push('must not be one repeated character');
  const email = context.email?.trim().toLowerCase();
  if (email) {
    const lowered = password.toLowerCase();
    const local = email.split('@')[0];
    if (lowered === email || (local.length >= 3 && lowered === local))
      problems.push('must not be the email address');
  }
  return problems;
}
