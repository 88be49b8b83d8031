import fc from 'fast-check';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordPolicyViolations } from './password-policy';

describe('password policy', () => {
  it.each([
    ['short1', /at least 10 characters/],
    ['abcdefghijkl', /at least two of/],
    ['12345678901', /at least two of/],
    ['ABCDEFGHIJKL', /at least two of/],
    ['!!!!!!!!!!!!', /one repeated character/],
    ['x'.repeat(PASSWORD_MAX_LENGTH) + 'A', /at most 128/],
  ])('refuses %s', (password, reason) => {
    expect(passwordPolicyViolations(password).join('; ')).toMatch(reason);
  });

  it('refuses the email address or its local part as the password', () => {
    expect(passwordPolicyViolations('Jane.Doe@Example.com', { email: 'jane.doe@example.com' })).toContain(
      'must not be the email address',
    );
    expect(passwordPolicyViolations('jane.doe.1984', { email: 'jane.doe.1984@example.com' })).toContain(
      'must not be the email address',
    );
  });

  it.each(['correct horse battery', 'Tr0ub4dor&3x', 'abcdefghij1', '密码很长而且有数字123'])(
    'accepts %s',
    (password) => {
      expect(passwordPolicyViolations(password, { email: 'someone@example.com' })).toEqual([]);
    },
  );

  it('accepts any password of allowed length that mixes a letter and a digit, and refuses anything shorter', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{5,60}[0-9]{5,60}$/), (password) => {
        expect(passwordPolicyViolations(password)).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: PASSWORD_MIN_LENGTH - 1 }), (password) => {
        expect(passwordPolicyViolations(password)).toContain(
          `must be at least ${PASSWORD_MIN_LENGTH} characters`,
        );
      }),
    );
  });
});
