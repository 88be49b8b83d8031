import { ProgressBar } from '@ecom/platform/cli';
import { inParallel, RunContext } from './run-context';

/** Registration hashes the password with scrypt (deliberately slow): a few at a time. */
const REGISTRATION_CONCURRENCY = 4;

/**
 * Stage 3: every planned shopper registered through the members API. The operator registers them
 * (the back office is not held to the per-address limit on anonymous sign-ups); an address already
 * taken (409) is a shopper of an earlier run with this prefix, who logs in with the same password.
 */
export async function registerMembers(ctx: RunContext): Promise<void> {
  const { books, api } = ctx;
  const bar = new ProgressBar(ctx.plan.members.length, { label: 'members   ', unit: 'members' });
  await inParallel(ctx.plan.members, REGISTRATION_CONCURRENCY, async (member, i) => {
    const answer = await api.members.post<{ id: string }>(
      '/v1/members',
      {
        email: member.email,
        password: member.password,
        displayName: member.displayName,
        ...(member.phone ? { phone: member.phone } : {}),
      },
      { token: await ctx.operator.bearer(), expect: [201, 409] },
    );
    if (answer.status === 201) {
      ctx.shoppers[i].id = answer.body.id;
      books.members.registered++;
    } else {
      books.members.alreadyRegistered++;
    }
    bar.advance();
  });
  const ms = bar.finish();
  ctx.log(
    `members: ${books.members.registered} registered` +
      (books.members.alreadyRegistered ? `, ${books.members.alreadyRegistered} already there` : '') +
      ` (${(ms / 1000).toFixed(1)} s)`,
  );
}
