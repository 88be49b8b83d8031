import { planMembers } from './members-plan';
import { Prng } from './prng';

describe('members plan', () => {
  it('gives each shopper a unique address of the run and a password the members policy accepts', () => {
    const members = planMembers(new Prng(4), { shoppers: 300, prefix: 'demo' });
    expect(new Set(members.map((m) => m.email)).size).toBe(300);
    for (const member of members) {
      expect(member.email).toMatch(/^demo\.shopper\d{5}@example\.com$/);
      // The policy: 10+ characters of at least two classes, not the address.
      expect(member.password.length).toBeGreaterThanOrEqual(10);
      expect(/[a-z]/.test(member.password) && /[^a-zA-Z0-9]/.test(member.password)).toBe(true);
      if (member.phone) expect(member.phone).toMatch(/^\+?[0-9][0-9 ()-]{4,23}$/);
    }
    expect(members.filter((m) => m.phone).length).toBeGreaterThan(100);
  });
});
