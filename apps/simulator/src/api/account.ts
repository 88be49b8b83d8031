import { ServiceApi } from './service-api';

interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  member: { id: string; roles: string[] };
}

/**
 * A member who logs in when a token is first needed and again shortly before it expires (access
 * tokens live 15 minutes; a large run outlasts one). Concurrent callers share one login.
 */
export class Account {
  id: string | undefined;
  private token = '';
  private expiresAt = 0;
  private loggingIn: Promise<void> | undefined;

  constructor(
    readonly email: string,
    private readonly password: string,
    private readonly members: ServiceApi,
    private readonly onLogin: () => void = () => undefined,
  ) {}

  async bearer(): Promise<string> {
    if (Date.now() > this.expiresAt - 60_000) {
      this.loggingIn ??= this.login().finally(() => (this.loggingIn = undefined));
      await this.loggingIn;
    }
    return this.token;
  }

  /** The member id (logs in once if registration did not tell it). */
  async memberId(): Promise<string> {
    if (!this.id) await this.bearer();
    return this.id!;
  }

  private async login(): Promise<void> {
    const answer = await this.members.post<LoginAnswer>(
      '/v1/auth/login',
      {
        email: this.email,
        password: this.password,
      },
      { idempotent: true },
    );
    this.token = answer.body.accessToken;
    this.expiresAt = Date.now() + answer.body.expiresIn * 1000;
    this.id = answer.body.member.id;
    this.onLogin();
  }
}
