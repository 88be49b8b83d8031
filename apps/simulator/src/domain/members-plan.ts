import { Prng } from './prng';

/** A shopper registered through the members API; the live day logs in with these credentials. */
export interface MemberPlan {
  index: number;
  email: string;
  password: string;
  displayName: string;
  phone?: string;
}

const GIVEN = [
  'Wei',
  'Fang',
  'Min',
  'Jing',
  'Lei',
  'Yan',
  'Hui',
  'Tao',
  'Xin',
  'Ling',
  'Jun',
  'Mei',
  'Hao',
  'Qing',
];
const FAMILY = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Zhao',
  'Huang',
  'Zhou',
  'Wu',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
];
const PASSWORD_WORDS = [
  'amber',
  'river',
  'cedar',
  'lotus',
  'harbor',
  'maple',
  'summit',
  'willow',
  'falcon',
  'meadow',
];

/**
 * One member per shopper: an address under example.com that names the run, a name, sometimes a
 * phone number, and a password of three words and a number (the members password policy: 10+
 * characters of two classes). The same seed gives the same credentials, so a run can log in again.
 */
export function planMembers(prng: Prng, options: { shoppers: number; prefix: string }): MemberPlan[] {
  return Array.from({ length: options.shoppers }, (_, index) => {
    const number = String(index + 1).padStart(5, '0');
    const words = [prng.pick(PASSWORD_WORDS), prng.pick(PASSWORD_WORDS), prng.pick(PASSWORD_WORDS)];
    const member: MemberPlan = {
      index,
      email: `${options.prefix}.shopper${number}@example.com`,
      password: `${words.join('-')}-${prng.int(10, 99)}`,
      displayName: `${prng.pick(GIVEN)} ${prng.pick(FAMILY)}`,
    };
    if (prng.chance(0.6))
      member.phone = `+86 13${prng.int(0, 9)} ${prng.int(1000, 9999)} ${prng.int(1000, 9999)}`;
    return member;
  });
}
